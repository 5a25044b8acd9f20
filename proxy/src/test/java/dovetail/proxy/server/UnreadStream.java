package dovetail.proxy.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client that sends one command line over and over without reading the replies, as a broken or hostile client
 * does: for the front-ends' bounds on what they read ahead of their answers (IMAP and POP3).
 */
public final class UnreadStream implements AutoCloseable {
  /** How long the writes must make no progress to count as held by TCP. */
  private static final Duration STALL = Duration.ofSeconds(2);
  /** What Netty may read before it sees that reading stopped (a few 64 KiB reads at most). */
  private static final long NETTY_READS = 1 << 20;

  private final Socket socket;
  private final AtomicLong written = new AtomicLong();
  private final AtomicBoolean allSent = new AtomicBoolean();
  private final Thread writer;

  private UnreadStream(Socket socket, String line, long bytes) throws IOException {
    this.socket = socket;
    byte[] chunk = (line + "\r\n").repeat(8192).getBytes(StandardCharsets.US_ASCII);
    OutputStream out = socket.getOutputStream();
    writer = new Thread(() -> {
      try {
        while (written.get() < bytes) {
          out.write(chunk);
          written.addAndGet(chunk.length);
        }
        allSent.set(true);
      } catch (IOException e) {
        // the socket was closed by close()
      }
    }, "unread-stream-writer");
    writer.start();
  }

  /** Starts sending {@code line} (without CR LF) until {@code bytes} are sent or {@link #close}. */
  public static UnreadStream start(Socket socket, String line, long bytes) throws IOException {
    return new UnreadStream(socket, line, bytes);
  }

  /** Waits until the writes make no progress (TCP holds the client) or all is sent. */
  public void awaitStall() throws InterruptedException {
    long last = -1;
    long stillSince = System.nanoTime();
    while (!allSent.get() && System.nanoTime() - stillSince < STALL.toNanos()) {
      Thread.sleep(50);
      long now = written.get();
      if (now != last) {
        last = now;
        stillSince = System.nanoTime();
      }
    }
  }

  public long written() {
    return written.get();
  }

  public boolean allSent() {
    return allSent.get();
  }

  /** Closes the socket, which stops the writer, and waits for it. */
  @Override
  public void close() throws IOException, InterruptedException {
    socket.close();
    writer.join();
  }

  /**
   * Streams {@code line} without reading while the server is busy with an earlier command, until TCP holds the
   * client, and checks that the server read no more than {@code bound} plus what Netty and the two kernels buffer
   * (the server's receive buffer grows up to tcp_rmem's maximum; the client's send buffer is fixed), and not all of a
   * stream well beyond that. Closes the socket.
   */
  public static void assertHeld(Socket socket, String line, long bound) throws Exception {
    long held = bound + NETTY_READS + kernelReceiveBufferMax() + socket.getSendBufferSize();
    long stream = held + (16 << 20);
    long sent;
    UnreadStream unread = start(socket, line, stream);
    try {
      unread.awaitStall();
      sent = unread.written();
    } finally {
      unread.close();
    }
    assertFalse(unread.allSent(), "the server read all " + stream + " bytes while the login was being checked");
    assertTrue(sent <= held, sent + " bytes sent while the login was being checked; at most " + held
        + " may be held");
  }

  /** net.ipv4.tcp_rmem's third value: the most a TCP receive buffer may grow to. */
  private static long kernelReceiveBufferMax() throws IOException {
    Path rmem = Path.of("/proc/sys/net/ipv4/tcp_rmem");
    assumeTrue(Files.isReadable(rmem), "needs Linux's tcp_rmem to know what the kernel may buffer");
    // One line; Files.readString trusts the size that /proc reports, which may be wrong.
    return Long.parseLong(Files.readAllLines(rmem).get(0).trim().split("\\s+")[2]);
  }
}
