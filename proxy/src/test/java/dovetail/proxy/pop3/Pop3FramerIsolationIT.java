package dovetail.proxy.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One client's input cannot stall the other POP3 connections. The line framer runs on a few threads shared by all
 * connections (one per core); a client that streams tens of MB of pipelined commands without reading (here behind
 * a wrong PASS, refused only after the failure delay) once kept its framer thread busy for about a minute (James's
 * STLS injection check re-read all buffered input for every line it cut), and every connection on that thread
 * waited, its greeting included.
 */
class Pop3FramerIsolationIT {
  /** Outlasts the test: the streaming client's wrong PASS is being checked all the while. */
  private static final Duration DELAY = Duration.ofSeconds(120);
  /** A hang guard only: the other clients' sessions take milliseconds. */
  private static final int HANG_GUARD_MILLIS = 30_000;
  /** How long the streaming client's writes must make no progress to count as held by TCP. */
  private static final Duration STALL = Duration.ofSeconds(2);
  /** Tens of MB: far more than the server and the kernels hold. */
  private static final long STREAM = 64L << 20;

  @TempDir static Path dir;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").user("bob", "{PLAIN}bobs")
        .failureDelay(DELAY).start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  @Test
  void otherClientsAreServedWhileOneStreamsPipelinedCommandsWithoutReading() throws Exception {
    try (Socket streaming = connect()) {
      send(streaming, "USER alice");
      assertTrue(line(streaming.getInputStream()).startsWith("+OK"), "USER");
      send(streaming, "PASS wrong");
      byte[] chunk = "NOOP\r\n".repeat(8192).getBytes(StandardCharsets.US_ASCII);
      OutputStream out = streaming.getOutputStream();
      AtomicLong written = new AtomicLong();
      AtomicBoolean done = new AtomicBoolean();
      Thread writer = new Thread(() -> {
        try {
          while (written.get() < STREAM) {
            out.write(chunk);
            written.addAndGet(chunk.length);
          }
          done.set(true);
        } catch (IOException e) {
          // the socket was closed at the end of the test
        }
      }, "pop3-isolation-writer");
      writer.start();
      try {
        awaitStall(written, done);

        // Connections are spread over the framer threads in turn: as many as there are threads, one after
        // another, and one of them shares the streaming client's.
        int threads = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < threads; i++) {
          try (Socket other = connect()) {
            InputStream in = other.getInputStream();
            send(other, "USER bob");
            assertTrue(line(in).startsWith("+OK"), "USER of connection " + i);
            send(other, "PASS bobs");
            assertTrue(line(in).startsWith("+OK"), "PASS of connection " + i);
            send(other, "STAT");
            assertEquals("+OK 0 0", line(in), "STAT of connection " + i);
            send(other, "QUIT");
            assertTrue(line(in).startsWith("+OK"), "QUIT of connection " + i);
          }
        }

        // ... all while the streaming client is still held: its PASS not answered, its stream not all sent.
        assertFalse(done.get(), "the streaming client was not held");
        assertEquals(0, streaming.getInputStream().available(), "the streaming client's PASS was answered");
      } finally {
        streaming.close();
        writer.join();
      }
    }
  }

  /** Waits until the writes make no progress (TCP holds the client) or all is sent. */
  private static void awaitStall(AtomicLong written, AtomicBoolean done) throws InterruptedException {
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
  }

  private static Socket connect() throws IOException {
    Socket socket = new Socket();
    socket.setSendBufferSize(64 * 1024);
    socket.connect(new InetSocketAddress("127.0.0.1", dovetail.pop3Port()));
    socket.setSoTimeout(HANG_GUARD_MILLIS);
    String greeting = line(socket.getInputStream());
    assertNotNull(greeting);
    assertTrue(greeting.startsWith("+OK"), greeting);
    return socket;
  }

  private static void send(Socket socket, String line) throws IOException {
    socket.getOutputStream().write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
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
