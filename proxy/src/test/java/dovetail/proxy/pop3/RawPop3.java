package dovetail.proxy.pop3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A POP3 session over a plain socket, byte for byte: what a client sends and the server's exact replies. */
final class RawPop3 implements AutoCloseable {
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  final String greeting;

  private RawPop3(Socket socket) throws IOException {
    use(socket);
    this.greeting = line();
  }

  private void use(Socket s) throws IOException {
    this.socket = s;
    s.setSoTimeout(30_000);
    this.in = s.getInputStream();
    this.out = s.getOutputStream();
  }

  static RawPop3 connect(int port) throws IOException {
    return new RawPop3(new Socket("127.0.0.1", port));
  }

  /** Connects to {@code host} from {@code from} (a local address), e.g. to be seen as a remote client. */
  static RawPop3 connect(InetAddress host, int port, InetAddress from) throws IOException {
    return new RawPop3(new Socket(host, port, from, 0));
  }

  /** TLS from the first byte (pop3s). */
  static RawPop3 connectTls(int port, SSLContext trust) throws IOException {
    SSLSocket s = (SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", port);
    s.startHandshake();
    return new RawPop3(s);
  }

  /** STLS (RFC 2595 section 4), then the TLS handshake on the same connection; returns the STLS reply. */
  String startTls(SSLContext trust) throws IOException {
    String reply = command("STLS");
    if (reply.startsWith("+OK")) {
      handshake(trust);
    }
    return reply;
  }

  /** The TLS handshake on this connection (after an STLS that was answered +OK). */
  void handshake(SSLContext trust) throws IOException {
    SSLSocket s = (SSLSocket) trust.getSocketFactory().createSocket(socket,
        socket.getInetAddress().getHostAddress(), socket.getPort(), true);
    s.startHandshake();
    use(s);
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

  /** Sends bytes as they are (e.g. a TLS record). */
  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** The next byte of the reply, -1 at the end of the stream. */
  int read() throws IOException {
    return in.read();
  }

  /** How many bytes have arrived and not been read yet (0: no reply has come since the last one read). */
  int available() throws IOException {
    return in.available();
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
