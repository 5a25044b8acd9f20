package dovetail.proxy.imap;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A raw IMAP connection for pipelining tests: writes any bytes without waiting and reads response lines (with
 * any literal they announce kept inline), so a test can send many commands at once and then collect the answers.
 */
final class PipelineWire implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  PipelineWire(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(30_000);
    in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
    out = socket.getOutputStream();
    line();
  }

  /** LOGIN and SELECT, waiting for each. */
  PipelineWire loginAndSelect(String user, String password, String folder) throws IOException {
    send("l LOGIN " + user + " " + password + "\r\n");
    expectOk("l");
    send("s SELECT " + folder + "\r\n");
    expectOk("s");
    return this;
  }

  private void expectOk(String tag) throws IOException {
    List<String> lines = untilTagged(tag);
    String last = lines.get(lines.size() - 1);
    if (!last.startsWith(tag + " OK")) {
      throw new IOException("expected " + tag + " OK, got " + lines);
    }
  }

  void send(String text) throws IOException {
    send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Every line up to and including the one tagged {@code tag}. */
  List<String> untilTagged(String tag) throws IOException {
    List<String> lines = new ArrayList<>();
    String l;
    do {
      l = line();
      lines.add(l);
    } while (!l.startsWith(tag + " "));
    return lines;
  }

  /** One response line without its CRLF; a literal it announces follows inline; null at end of stream. */
  String line() throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    while (true) {
      ByteArrayOutputStream part = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) >= 0 && b != '\n') {
        part.write(b);
      }
      if (b < 0 && part.size() == 0 && all.size() == 0) {
        return null;
      }
      if (b < 0) {
        throw new IOException("connection closed mid-line: " + all.toString(StandardCharsets.ISO_8859_1) + part);
      }
      String text = part.toString(StandardCharsets.ISO_8859_1);
      if (text.endsWith("\r")) {
        text = text.substring(0, text.length() - 1);
      }
      all.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
      int open = text.lastIndexOf('{');
      if (text.endsWith("}") && open >= 0 && text.startsWith("*")) {
        int size = Integer.parseInt(text.substring(open + 1, text.length() - 1));
        all.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        all.writeBytes(in.readNBytes(size));
        continue;
      }
      return all.toString(StandardCharsets.ISO_8859_1);
    }
  }

  boolean closedByServer() throws IOException {
    try {
      while (true) {
        if (line() == null) {
          return true;
        }
      }
    } catch (java.net.SocketException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
