import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A light IMAP client connection for the load bench: one command at a time, responses read as raw lines, literals
 * skipped by their length (only counted), so that the client costs little next to the server it measures.
 */
final class ImapWire implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final byte[] skipBuffer = new byte[1 << 16];
  /** The last line sent, for the report when a reply never comes. */
  private String lastSent = "";
  private byte[] lineBuffer = new byte[1024];
  private int tagCounter;
  /** Literal bytes received since the last {@link #takeLiteralBytes()}. */
  private long literalBytes;

  ImapWire(int port) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(120_000);
    in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
    out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
    String greeting = readLine();
    if (!greeting.startsWith("* OK")) {
      throw new IOException("greeting: " + greeting);
    }
  }

  /** What a command got back: its tagged line, and the untagged lines if they were asked for. */
  record Reply(String tagged, List<String> untagged) {
    boolean ok() {
      return tagged.regionMatches(tagged.indexOf(' ') + 1, "OK", 0, 2);
    }
  }

  /** Sends one command and reads up to its tagged reply; {@code keepLines} keeps the untagged lines. */
  Reply command(String command, boolean keepLines) throws IOException {
    String tag = nextTag();
    send(tag + " " + command);
    return readUntilTagged(tag, keepLines);
  }

  /** A command that ends with a synchronizing literal: waits for the continuation, then sends the bytes. */
  Reply commandWithLiteral(String commandBeforeLiteral, byte[] literal) throws IOException {
    String tag = nextTag();
    send(tag + " " + commandBeforeLiteral + " {" + literal.length + "}");
    // Untagged data may come first (RFC 3501 §7: a server may send it at any time): wait for "+" or the tagged NO.
    String line = readLine();
    while (!line.startsWith("+")) {
      if (line.startsWith(tag + " ")) {
        return new Reply(line, List.of());
      }
      line = readLine();
    }
    out.write(literal);
    out.write('\r');
    out.write('\n');
    out.flush();
    return readUntilTagged(tag, false);
  }

  /** IDLE, then DONE as soon as the server says it idles (or after {@code dwellMillis}); the tagged reply. */
  Reply idle(long dwellMillis) throws IOException, InterruptedException {
    String tag = nextTag();
    send(tag + " IDLE");
    for (String line = readLine(); !line.startsWith("+"); line = readLine()) {
      if (line.startsWith(tag + " ")) {
        return new Reply(line, List.of());
      }
    }
    if (dwellMillis > 0) {
      Thread.sleep(dwellMillis);
    }
    send("DONE");
    return readUntilTagged(tag, false);
  }

  long takeLiteralBytes() {
    long n = literalBytes;
    literalBytes = 0;
    return n;
  }

  private String nextTag() {
    return "t" + (++tagCounter);
  }

  private void send(String line) throws IOException {
    lastSent = line.length() > 200 ? line.substring(0, 200) + "..." : line;
    out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private Reply readUntilTagged(String tag, boolean keepLines) throws IOException {
    List<String> kept = keepLines ? new ArrayList<>() : List.of();
    java.util.ArrayDeque<String> recent = new java.util.ArrayDeque<>();
    while (true) {
      String line;
      try {
        line = readLine();
      } catch (java.net.SocketTimeoutException e) {
        // A server that never answers: say which command it left hanging and what it sent last.
        throw new java.net.SocketTimeoutException("no tagged reply to \"" + lastSent + "\"; last lines: " + recent);
      }
      if (recent.size() == 5) {
        recent.removeFirst();
      }
      recent.addLast(line.length() > 200 ? line.substring(0, 200) + "..." : line);
      // A line that ends with a literal announcement continues after the literal's bytes.
      while (line.endsWith("}") && line.lastIndexOf('{') >= 0) {
        long n = Long.parseLong(line.substring(line.lastIndexOf('{') + 1, line.length() - 1));
        skip(n);
        literalBytes += n;
        line = readLine();
      }
      if (line.startsWith(tag + " ")) {
        return new Reply(line, kept);
      }
      if (keepLines) {
        kept.add(line);
      }
    }
  }

  private void skip(long n) throws IOException {
    while (n > 0) {
      int got = in.read(skipBuffer, 0, (int) Math.min(skipBuffer.length, n));
      if (got < 0) {
        throw new IOException("connection closed inside a literal");
      }
      n -= got;
    }
  }

  private String readLine() throws IOException {
    int length = 0;
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (length == lineBuffer.length) {
        lineBuffer = java.util.Arrays.copyOf(lineBuffer, length * 2);
      }
      lineBuffer[length++] = (byte) b;
    }
    if (b < 0) {
      throw new IOException("connection closed");
    }
    if (length > 0 && lineBuffer[length - 1] == '\r') {
      length--;
    }
    return new String(lineBuffer, 0, length, StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
