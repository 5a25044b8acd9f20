package dovetail.proxy.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.RawLines;
import dovetail.proxy.server.TestDovetail;
import dovetail.proxy.server.UnreadStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
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
      RawLines.send(streaming.getOutputStream(), "USER alice");
      assertTrue(RawLines.line(streaming.getInputStream()).startsWith("+OK"), "USER");
      RawLines.send(streaming.getOutputStream(), "PASS wrong");
      UnreadStream unread = UnreadStream.start(streaming, "NOOP", STREAM);
      try {
        unread.awaitStall();

        // Connections are spread over the framer threads in turn: as many as there are threads, one after
        // another, and one of them shares the streaming client's.
        int threads = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < threads; i++) {
          try (Socket other = connect()) {
            InputStream in = other.getInputStream();
            RawLines.send(other.getOutputStream(), "USER bob");
            assertTrue(RawLines.line(in).startsWith("+OK"), "USER of connection " + i);
            RawLines.send(other.getOutputStream(), "PASS bobs");
            assertTrue(RawLines.line(in).startsWith("+OK"), "PASS of connection " + i);
            RawLines.send(other.getOutputStream(), "STAT");
            assertEquals("+OK 0 0", RawLines.line(in), "STAT of connection " + i);
            RawLines.send(other.getOutputStream(), "QUIT");
            assertTrue(RawLines.line(in).startsWith("+OK"), "QUIT of connection " + i);
          }
        }

        // ... all while the streaming client is still held: its PASS not answered, its stream not all sent.
        assertFalse(unread.allSent(), "the streaming client was not held");
        assertEquals(0, streaming.getInputStream().available(), "the streaming client's PASS was answered");
      } finally {
        unread.close();
      }
    }
  }

  private static Socket connect() throws IOException {
    Socket socket = new Socket();
    socket.setSendBufferSize(64 * 1024);
    socket.connect(new InetSocketAddress("127.0.0.1", dovetail.pop3Port()));
    socket.setSoTimeout(HANG_GUARD_MILLIS);
    String greeting = RawLines.line(socket.getInputStream());
    assertNotNull(greeting);
    assertTrue(greeting.startsWith("+OK"), greeting);
    return socket;
  }
}
