package dovetail.proxy.pop3;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dovetail.proxy.server.TestDovetail;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The POP3 twin of the IMAP ReadAheadIT: while a command waits on the command pool (here a wrong PASS, or AUTH
 * PLAIN's answer, refused only after the failure delay), the server reads what the client sends meanwhile only up
 * to {@link PendingInput}'s bound; then it stops reading and TCP holds the client. So a client that streams
 * pipelined commands without reading is stopped after that bound and what the two kernels buffer, however much it
 * sends.
 */
class Pop3ReadAheadIT {
  /** Outlasts the test: the login is being checked all the while the client streams. */
  private static final Duration DELAY = Duration.ofSeconds(60);
  /** The client's send buffer (Linux doubles it; {@link Socket#getSendBufferSize()} tells what it became). */
  private static final int SEND_BUFFER = 64 * 1024;
  /** What Netty may read before it sees that reading stopped (a few 64 KiB reads at most). */
  private static final long NETTY_READS = 1 << 20;
  /** How long the client's writes must make no progress to count as held. */
  private static final Duration STALL = Duration.ofSeconds(2);

  @TempDir static Path dir;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").failureDelay(DELAY).start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  @Test
  void whatAClientSendsWhileItsPassIsCheckedIsHeldToTheBound() throws Exception {
    try (Socket socket = connect()) {
      send(socket, "USER alice");
      assertTrue(line(socket.getInputStream()).startsWith("+OK"), "USER");
      send(socket, "PASS wrong");
      assertStreamIsHeld(socket);
    }
  }

  /** AUTH's answer line goes to a line handler: the same wait, the same bound. */
  @Test
  void whatAClientSendsWhileItsAuthAnswerIsCheckedIsHeldToTheBound() throws Exception {
    try (Socket socket = connect()) {
      send(socket, "AUTH PLAIN");
      assertTrue(line(socket.getInputStream()).startsWith("+"), "continuation request");
      send(socket, Base64.getEncoder().encodeToString("\0alice\0wrong".getBytes(StandardCharsets.US_ASCII)));
      assertStreamIsHeld(socket);
    }
  }

  private static Socket connect() throws IOException {
    Socket socket = new Socket();
    socket.setSendBufferSize(SEND_BUFFER);
    socket.connect(new InetSocketAddress("127.0.0.1", dovetail.pop3Port()));
    socket.setSoTimeout(60_000); // a hang guard only
    assertTrue(line(socket.getInputStream()).startsWith("+OK"));
    return socket;
  }

  /**
   * Streams pipelined NOOPs without reading until the writes stop making progress or all are sent, then closes the
   * socket: all may not be sent, and no more than the bound and the kernels' buffers.
   */
  private static void assertStreamIsHeld(Socket socket) throws Exception {
    // The server's receive buffer grows up to tcp_rmem's maximum; the client's send buffer is fixed.
    long held = PendingInput.MAX_BYTES + NETTY_READS + kernelReceiveBufferMax() + socket.getSendBufferSize();
    long stream = held + (16 << 20);
    byte[] chunk = "NOOP\r\n".repeat(8192).getBytes(StandardCharsets.US_ASCII);
    OutputStream out = socket.getOutputStream();
    AtomicLong written = new AtomicLong();
    AtomicBoolean done = new AtomicBoolean();
    Thread writer = new Thread(() -> {
      try {
        while (written.get() < stream) {
          out.write(chunk);
          written.addAndGet(chunk.length);
        }
        done.set(true);
      } catch (IOException e) {
        // the socket was closed below
      }
    }, "pop3-read-ahead-writer");
    writer.start();

    long last = -1;
    long stillSince = System.nanoTime();
    while (!done.get() && System.nanoTime() - stillSince < STALL.toNanos()) {
      Thread.sleep(50);
      long now = written.get();
      if (now != last) {
        last = now;
        stillSince = System.nanoTime();
      }
    }
    long sent = written.get();
    socket.close();
    writer.join();
    assertFalse(done.get(), "the server read all " + stream + " bytes while the login was being checked");
    assertTrue(sent <= held, sent + " bytes sent while the login was being checked; at most " + held
        + " may be held");
  }

  private static void send(Socket socket, String line) throws IOException {
    socket.getOutputStream().write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
  }

  /** net.ipv4.tcp_rmem's third value: the most a TCP receive buffer may grow to. */
  private static long kernelReceiveBufferMax() throws IOException {
    Path rmem = Path.of("/proc/sys/net/ipv4/tcp_rmem");
    assumeTrue(Files.isReadable(rmem), "needs Linux's tcp_rmem to know what the kernel may buffer");
    // One line; Files.readString trusts the size that /proc reports, which may be wrong.
    return Long.parseLong(Files.readAllLines(rmem).get(0).trim().split("\\s+")[2]);
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      line.write(b);
    }
    return line.toString(StandardCharsets.US_ASCII).stripTrailing();
  }
}
