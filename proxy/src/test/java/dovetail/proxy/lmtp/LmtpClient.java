package dovetail.proxy.lmtp;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An LMTP session typed over TCP or the Unix socket, as an MTA would (RFC 2033): whole replies, raw bytes where a
 * test needs them, and a streamed DATA for messages too large to build in memory. The one LMTP helper of these tests.
 */
public final class LmtpClient implements AutoCloseable {
  private final Closeable connection;
  private final InputStream raw;
  private final BufferedReader in;
  private final OutputStream out;

  private LmtpClient(Closeable connection, InputStream in, OutputStream out) throws IOException {
    this.connection = connection;
    this.raw = in;
    this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
    this.out = out;
    String greeting = reply();
    if (!greeting.startsWith("220")) {
      throw new IOException("greeting: " + greeting);
    }
  }

  /** Over TCP to 127.0.0.1. */
  public LmtpClient(int port) throws IOException {
    this(new Socket("127.0.0.1", port));
  }

  private LmtpClient(Socket socket) throws IOException {
    this(socket, timeout(socket).getInputStream(), socket.getOutputStream());
  }

  private static Socket timeout(Socket s) throws IOException {
    s.setSoTimeout(120_000);
    return s;
  }

  /** Over a Unix socket (no read timeout there: the tests that use it carry a JUnit timeout). */
  static LmtpClient unix(Path socket) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    ch.connect(UnixDomainSocketAddress.of(socket));
    return new LmtpClient(ch, Channels.newInputStream(ch), Channels.newOutputStream(ch));
  }

  /** Sends one command line and returns the last line of its reply. */
  public String command(String line) throws IOException {
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

  /** Whether a reply has arrived that nobody read yet (does not wait). */
  boolean replyWaiting() throws IOException {
    return in.ready() || raw.available() > 0;
  }

  /** MAIL, RCPTs, DATA with {@code message} (CRLF lines, dot-stuffed here), and one reply per accepted recipient. */
  public List<String> deliver(String from, List<String> to, String message) throws IOException {
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

  /**
   * After a 354: {@code message} (LF line ends, ending with one) sent with CRLF line ends and dot-stuffed, streamed,
   * then the terminating dot; the first reply after it.
   */
  String data(InputStream message) throws IOException {
    byte[] buf = new byte[1 << 16];
    byte[] wire = new byte[buf.length * 3];
    boolean lineStart = true;
    for (int n; (n = message.read(buf)) > 0; ) {
      int w = 0;
      for (int i = 0; i < n; i++) {
        byte b = buf[i];
        if (lineStart && b == '.') {
          wire[w++] = '.';
        }
        if (b == '\n') {
          wire[w++] = '\r';
        }
        wire[w++] = b;
        lineStart = b == '\n';
      }
      out.write(wire, 0, w);
    }
    send(".\r\n".getBytes(StandardCharsets.US_ASCII));
    return reply();
  }

  @Override
  public void close() throws IOException {
    connection.close();
  }
}
