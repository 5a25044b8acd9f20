package dovetail.proxy.pop3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A POP3 session over a plain socket, byte for byte: what a client sends and the server's exact replies. */
final class RawPop3 implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  final String greeting;

  private RawPop3(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(30_000);
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.greeting = line();
  }

  static RawPop3 connect(int port) throws IOException {
    return new RawPop3(new Socket("127.0.0.1", port));
  }

  /** Sends a command and returns the one-line reply. */
  String command(String command) throws IOException {
    send(command);
    return line();
  }

  void send(String command) throws IOException {
    out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Sends a command; returns the status line and, after +OK, every line up to (without) the final ".". */
  List<String> multiline(String command) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(command(command));
    if (lines.get(0).startsWith("+OK")) {
      for (String l = line(); !l.equals("."); l = line()) {
        lines.add(l);
      }
    }
    return lines;
  }

  /** The raw bytes after a +OK status line, up to and including CRLF.CRLF: still dot-stuffed. */
  byte[] rawMultiline(String command) throws IOException {
    String status = command(command);
    if (!status.startsWith("+OK")) {
      throw new IOException(command + ": " + status);
    }
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] end = {'\r', '\n', '.', '\r', '\n'};
    int matched = 2; // the status line's CRLF counts as the line start
    while (matched < end.length) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed in " + command);
      }
      b.write(c);
      matched = c == end[matched] ? matched + 1 : c == '\r' ? 1 : 0;
    }
    return b.toByteArray();
  }

  String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        break;
      }
      b.write(c);
    }
    if (c < 0 && b.size() == 0) {
      return null; // connection closed
    }
    String s = b.toString(StandardCharsets.UTF_8);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  /** Undoes the dot-stuffing of {@link #rawMultiline} and drops the terminating ".". */
  static byte[] unstuff(byte[] wire) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    boolean lineStart = true;
    for (int i = 0; i < wire.length - 3; i++) { // the last 3 bytes are ".\r\n"
      byte c = wire[i];
      if (lineStart && c == '.') {
        lineStart = false;
        continue;
      }
      b.write(c);
      lineStart = c == '\n';
    }
    return b.toByteArray();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
