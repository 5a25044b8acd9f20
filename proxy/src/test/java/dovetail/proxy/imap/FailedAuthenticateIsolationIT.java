package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refused AUTHENTICATE waits out the failed-login delay on a thread of its own, not on the Netty event loop
 * that serves its connection: with more connections than event loops (so that one shares the failing
 * connection's loop), every other connection's NOOP is answered while that delay is still running.
 */
class FailedAuthenticateIsolationIT {
  /** Long, so that answering a few NOOPs within it says nothing about the machine's speed. */
  private static final Duration DELAY = Duration.ofSeconds(5);

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
  void otherConnectionsAreAnsweredWhileAFailedAuthenticateWaits() throws Exception {
    // James's default: two event loops per processor. One more connection than that shares the loop of the first.
    int others = Runtime.getRuntime().availableProcessors() * 2 + 1;
    List<Line> clients = new ArrayList<>();
    try (Line failing = new Line(dovetail.imapPort())) {
      failing.send("f AUTHENTICATE PLAIN");
      assertTrue(failing.read().startsWith("+"), "continuation request");
      for (int i = 0; i < others; i++) {
        clients.add(new Line(dovetail.imapPort()));
      }
      failing.send(Base64.getEncoder().encodeToString("\0alice\0wrong".getBytes(StandardCharsets.US_ASCII)));
      for (Line client : clients) {
        client.send("n NOOP");
        assertTrue(client.untilTagged("n").startsWith("n OK"));
        assertEquals(0, failing.available(), "a NOOP was answered only after the failed AUTHENTICATE's answer");
      }
      assertTrue(failing.untilTagged("f").startsWith("f NO"), "the wrong password is refused");
      failing.send("g LOGIN alice secret");
      assertTrue(failing.untilTagged("g").startsWith("g OK"), "the connection goes on");
    } finally {
      for (Line client : clients) {
        client.close();
      }
    }
  }

  /** A plain-text IMAP connection, one line at a time (no literals in these replies). */
  private static final class Line implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Line(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(60_000); // a hang guard only
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
      read();
    }

    void send(String line) throws IOException {
      out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    String read() throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) >= 0 && b != '\n') {
        line.write(b);
      }
      if (b < 0) {
        throw new IOException("closed after: " + line);
      }
      return line.toString(StandardCharsets.US_ASCII).stripTrailing();
    }

    String untilTagged(String tag) throws IOException {
      String line;
      do {
        line = read();
      } while (!line.startsWith(tag + " "));
      return line;
    }

    int available() throws IOException {
      return in.available();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
