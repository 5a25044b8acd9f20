package dovetail.proxy.imap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A byte-exact IMAP test client: each response line with its literals inline, as ISO-8859-1 text so that every
 * byte survives. Commands wait for their tagged reply; nothing is pipelined.
 */
final class RawImap implements AutoCloseable {
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private int tag;
  final String greeting;

  private RawImap(Socket socket) throws IOException {
    use(socket);
    this.greeting = readResponse();
  }

  static RawImap connect(int port) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(20_000);
    return new RawImap(s);
  }

  /** A connection logged in as {@code user} with {@code folder} selected; throws if either is refused. */
  static RawImap selected(int port, String user, String password, String folder) throws IOException {
    RawImap imap = connect(port);
    for (String command : List.of("LOGIN " + user + " " + password, "SELECT " + folder)) {
      String answer = last(imap.command(command));
      if (!answer.contains(" OK ")) {
        imap.close();
        throw new IOException(command.split(" ")[0] + " refused: " + answer);
      }
    }
    return imap;
  }

  /** A connection from {@code localAddress} (another loopback address: another client, for the servers). */
  static RawImap connectFrom(String localAddress, int port) throws IOException {
    Socket s = new Socket();
    s.bind(new java.net.InetSocketAddress(localAddress, 0));
    s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 20_000);
    s.setSoTimeout(20_000);
    return new RawImap(s);
  }

  static RawImap connectTls(int port, SSLContext context) throws IOException {
    SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
    s.setSoTimeout(20_000);
    s.startHandshake();
    return new RawImap(s);
  }

  private void use(Socket s) throws IOException {
    socket = s;
    in = new java.io.BufferedInputStream(s.getInputStream());
    out = s.getOutputStream();
  }

  /** STARTTLS, then the TLS handshake on the same connection. */
  List<String> startTls(SSLContext context) throws IOException {
    List<String> reply = command("STARTTLS");
    if (last(reply).contains(" OK")) {
      SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(), true);
      tls.setUseClientMode(true);
      tls.startHandshake();
      use(tls);
    }
    return reply;
  }

  /** Sends one command and returns every response line up to and including the tagged one. */
  List<String> command(String command) throws IOException {
    String t = "a" + (++tag);
    out.write((t + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    List<String> lines = new ArrayList<>();
    while (true) {
      String line = readResponse();
      lines.add(line);
      if (line.startsWith(t + " ")) {
        return lines;
      }
    }
  }

  /** Sends one line (CRLF added) without waiting: the caller reads the responses with {@link #readResponse}. */
  void send(String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** APPEND with a synchronizing literal. */
  List<String> append(String folder, String flags, byte[] message) throws IOException {
    return append(folder, flags, message, "APPEND");
  }

  /** APPEND, or a command shaped like it (REPLACE msn mailbox), with a synchronizing literal. */
  List<String> append(String folder, String flags, byte[] message, String verb) throws IOException {
    return commandWithLiteral(verb + " " + folder + " " + flags, message);
  }

  /** {@code <tag> <prefix> {n}}, then the literal's exact bytes after the continuation, then CRLF. */
  List<String> commandWithLiteral(String prefix, byte[] literal) throws IOException {
    String t = "a" + (++tag);
    out.write((t + " " + prefix + " {" + literal.length + "}\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    String cont = readResponse();
    if (!cont.startsWith("+")) {
      return List.of(cont);
    }
    out.write(literal);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    List<String> lines = new ArrayList<>();
    while (true) {
      String line = readResponse();
      lines.add(line);
      if (line.startsWith(t + " ")) {
        return lines;
      }
    }
  }

  static String last(List<String> lines) {
    return lines.get(lines.size() - 1);
  }

  /** One response line, CRLF stripped, with any literals it announces read in full and kept inline. */
  String readResponse() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      ByteArrayOutputStream part = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) >= 0) {
        if (b == '\n') {
          break;
        }
        part.write(b);
      }
      if (b < 0 && part.size() == 0) {
        throw new IOException("connection closed; so far: " + line.toString(StandardCharsets.ISO_8859_1));
      }
      String text = part.toString(StandardCharsets.ISO_8859_1);
      if (text.endsWith("\r")) {
        text = text.substring(0, text.length() - 1);
      }
      line.write(text.getBytes(StandardCharsets.ISO_8859_1));
      int open = text.lastIndexOf('{');
      if (text.endsWith("}") && open >= 0) {
        int size = Integer.parseInt(text.substring(open + 1, text.length() - 1).replace("+", ""));
        line.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        line.write(in.readNBytes(size));
        continue;
      }
      return line.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /** Every response line up to the server's close of the connection. */
  List<String> untilClosed() {
    List<String> lines = new ArrayList<>();
    try {
      while (true) {
        lines.add(readResponse());
      }
    } catch (IOException closed) {
      return lines;
    }
  }

  /** The bytes of the first literal in a response line (e.g. BODY[] {n}). */
  static byte[] literal(String line, String item) {
    int at = line.indexOf(item + " {");
    if (at < 0) {
      throw new AssertionError("no " + item + " literal in: " + line);
    }
    int open = at + item.length() + 1;
    int close = line.indexOf('}', open);
    int size = Integer.parseInt(line.substring(open + 1, close));
    int start = close + 3;
    return line.substring(start, start + size).getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Ends the connection with a TCP reset, as a client that crashes or loses its network does. */
  void reset() throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
