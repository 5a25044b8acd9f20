package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.RawLines;
import dovetail.proxy.server.TestDovetail;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection that stays silent without logging in is told '* BYE Disconnected for inactivity.' and closed, as by
 * Dovecot's imap-login after 3 minutes (here 1 s); before, it was held for James's 30 minutes (walk-through 6, W9).
 * A logged-in session is not: it has the 30 minutes of RFC 3501.
 */
class LoginTimeoutIT {
  @TempDir Path dir;

  @Test
  void aSilentConnectionThatNeverLogsInIsClosedALoggedInOneIsNot() throws Exception {
    try (TestDovetail dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret")
        .loginTimeout(Duration.ofSeconds(1)).start();
        RawImap silent = RawImap.connect(dovetail.imapPort());
        RawImap loggedIn = RawImap.connect(dovetail.imapPort())) {
      assertTrue(RawImap.last(loggedIn.command("LOGIN alice secret")).contains(" OK"));
      assertEquals(List.of("* BYE Disconnected for inactivity."), silent.untilClosed());
      Thread.sleep(1500); // past the login timeout for the logged-in session too
      assertTrue(RawImap.last(loggedIn.command("NOOP")).contains(" OK"), "a logged-in session stays");
    }
  }

  /** Walk-through 19, F4: NOOPs (or a LOGIN line sent a byte at a time) kept an idle timer from ever firing. */
  @Test
  void aConnectionThatKeepsTalkingWithoutLoggingInIsClosedToo() throws Exception {
    try (TestDovetail dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret")
        .loginTimeout(Duration.ofSeconds(1)).start();
        RawImap chatty = RawImap.connect(dovetail.imapPort())) {
      Thread talker = new Thread(() -> {
        try {
          for (int i = 0; i < 100; i++) { // 20 s of a NOOP every 200 ms
            chatty.send("n" + i + " NOOP");
            Thread.sleep(200);
          }
        } catch (java.io.IOException | InterruptedException closed) {
          // the server closed it, or the test is over
        }
      });
      talker.start();
      try {
        List<String> lines = chatty.untilClosed(); // the client's read time-out is 20 s
        assertTrue(lines.contains(LoginTimeout.BYE), "closed without the BYE");
        assertTrue(talker.isAlive(), "closed only once the client fell silent");
      } finally {
        talker.interrupt();
        talker.join();
      }
    }
  }

  /** POP3 had James's 10 minutes of idleness before the login too, renewed by every CAPA (walk-through 19, F4). */
  @Test
  void aPop3ConnectionThatKeepsTalkingWithoutLoggingInIsClosedALoggedInOneIsNot() throws Exception {
    try (TestDovetail dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret")
        .loginTimeout(Duration.ofSeconds(1)).start();
        java.net.Socket chatty = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), dovetail.pop3Port());
        java.net.Socket loggedIn = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), dovetail.pop3Port())) {
      chatty.setSoTimeout(20_000);
      loggedIn.setSoTimeout(20_000);
      java.io.InputStream in = loggedIn.getInputStream();
      java.io.OutputStream out = loggedIn.getOutputStream();
      RawLines.line(in);
      RawLines.send(out, "USER alice");
      RawLines.line(in);
      RawLines.send(out, "PASS secret");
      assertTrue(RawLines.line(in).startsWith("+OK"));
      RawLines.line(chatty.getInputStream());
      // USER names a user before any password: no login (review 25, F5: it counted as one, and the deadline left)
      RawLines.send(chatty.getOutputStream(), "USER alice");
      Thread talker = new Thread(() -> {
        try {
          for (int i = 0; i < 100; i++) { // 20 s of a NOOP every 200 ms
            RawLines.send(chatty.getOutputStream(), "NOOP");
            Thread.sleep(200);
          }
        } catch (java.io.IOException | InterruptedException closed) {
          // the server closed it, or the test is over
        }
      });
      talker.start();
      try {
        // Until the server's last line, or the end of the stream (""); one still open fails at the read time-out.
        List<String> lines = new java.util.ArrayList<>();
        String line;
        do {
          line = RawLines.line(chatty.getInputStream());
          lines.add(line);
        } while (!line.isEmpty() && !line.startsWith("-ERR Disconnected"));
        assertTrue(lines.contains("-ERR Disconnected for inactivity."), lines.toString());
        assertTrue(talker.isAlive(), "closed only once the client fell silent");
      } finally {
        talker.interrupt();
        talker.join();
      }
      RawLines.send(out, "NOOP");
      assertTrue(RawLines.line(in).startsWith("+OK"), "a logged-in session stays");
    }
  }
}
