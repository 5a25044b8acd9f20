package dovetail.proxy.lmtp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** An LMTP session typed over a socket, as an MTA would (RFC 2033): whole replies, raw bytes where a test needs them. */
final class LmtpClient implements AutoCloseable {
  private final Socket socket;
  private final BufferedReader in;
  private final OutputStream out;

  LmtpClient(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(60_000);
    in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
    out = socket.getOutputStream();
    String greeting = reply();
    if (!greeting.startsWith("220")) {
      throw new IOException("greeting: " + greeting);
    }
  }

  /** Sends one command line and returns the last line of its reply. */
  String command(String line) throws IOException {
    send((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    return reply();
  }

  void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** One reply: its continuation lines are skipped, the final line returned. */
  String reply() throws IOException {
    String line;
    do {
      line = in.readLine();
      if (line == null) {
        throw new IOException("connection closed");
      }
    } while (line.length() > 3 && line.charAt(3) == '-');
    return line;
  }

  /** MAIL, RCPTs, DATA with {@code message} (CRLF lines, dot-stuffed here), and one reply per accepted recipient. */
  List<String> deliver(String from, List<String> to, String message) throws IOException {
    List<String> replies = new ArrayList<>();
    replies.add(command("MAIL FROM:<" + from + ">"));
    int accepted = 0;
    for (String r : to) {
      String rep = command("RCPT TO:<" + r + ">");
      replies.add(rep);
      if (rep.startsWith("250")) {
        accepted++;
      }
    }
    if (accepted == 0) {
      command("RSET");
      return replies;
    }
    replies.add(command("DATA"));
    StringBuilder body = new StringBuilder();
    for (String l : message.split("\r\n", -1)) {
      body.append(l.startsWith(".") ? "." : "").append(l).append("\r\n");
    }
    if (message.endsWith("\r\n")) {
      body.setLength(body.length() - 2);
    }
    send((body + ".\r\n").getBytes(StandardCharsets.ISO_8859_1));
    for (int i = 0; i < accepted; i++) {
      replies.add(reply());
    }
    return replies;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
