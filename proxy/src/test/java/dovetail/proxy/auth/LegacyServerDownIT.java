package dovetail.proxy.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dovetail.proxy.server.TestDovetail;
import dovetail.store.dovecot.Forwarder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code passdb = legacy} while the legacy server cannot be reached (walk-through 5, F8): a password Dovetail cannot
 * check is answered as Dovecot 2.3 answers a passdb that cannot answer, {@code NO [UNAVAILABLE] Temporary
 * authentication failure.} and {@code -ERR [SYS/TEMP] Temporary authentication failure.}, so that clients keep the
 * password and retry instead of asking the user for a new one; and it is not counted toward the disconnect after
 * three failed logins. Byte-level IMAP and POP3 over real sockets, GreenMail as the legacy server.
 */
class LegacyServerDownIT {
  private static final String PASSWORD = "Legacy-Secret-17";
  private static final String WRONG = "Wrong-Guess-42";
  private static final String TEMP_IMAP = "NO [UNAVAILABLE] Temporary authentication failure.";
  private static final String TEMP_POP3 = "-ERR [SYS/TEMP] Temporary authentication failure.";

  @TempDir Path dir;
  private GreenMail legacy;
  private int legacyPort;
  private TestDovetail dovetail;
  private LogCapture logs;

  @BeforeEach
  void start() throws Exception {
    logs = new LogCapture();
    legacy = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
    legacy.start();
    legacy.setUser("alice@example.com", "alice", PASSWORD);
    legacyPort = legacy.getImap().getPort();
    dovetail = TestDovetail.builder(dir).legacyPassdb(legacyPort).start();
  }

  @AfterEach
  void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
    legacy.stop();
    List<String> lines = logs.lines();
    logs.close();
    assertFalse(lines.stream().anyMatch(l -> l.contains(PASSWORD) || l.contains(WRONG)),
        "no password in the logs: " + lines);
  }

  /** Stops the legacy server, and starts a fresh Dovetail (nothing remembered in memory) against its closed port. */
  private void legacyGoesDown() throws Exception {
    legacy.stop();
    dovetail.close();
    dovetail = null;
    dovetail = TestDovetail.builder(dir).legacyPassdb(legacyPort).start();
  }

  private static String plain(String user, String password) {
    return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aUserWithoutAStoredHashIsToldToRetryNotThatThePasswordIsWrong() throws Exception {
    legacyGoesDown();
    try (Client imap = Client.imap(dovetail.imapPort())) {
      // Four in a row on one connection: a refused password would have been answered BYE at the third.
      for (int i = 1; i <= 4; i++) {
        assertEquals("a" + i + " " + TEMP_IMAP, imap.tagged("a" + i + " LOGIN bob " + PASSWORD));
      }
      assertEquals("a5 " + TEMP_IMAP, imap.tagged("a5 AUTHENTICATE PLAIN " + plain("bob", PASSWORD)));
      imap.send("a6 AUTHENTICATE PLAIN");
      assertTrue(imap.line().startsWith("+"));
      assertEquals("a6 " + TEMP_IMAP, imap.tagged(plain("bob", PASSWORD)));
      assertTrue(imap.tagged("a7 NOOP").startsWith("a7 OK"), "the connection stays open");
    }
    try (Client pop3 = Client.pop3(dovetail.pop3Port())) {
      for (int i = 0; i < 4; i++) {
        assertTrue(pop3.command("USER bob").startsWith("+OK"));
        assertEquals(TEMP_POP3, pop3.command("PASS " + PASSWORD));
      }
      assertEquals(TEMP_POP3, pop3.command("AUTH PLAIN " + plain("bob", PASSWORD)));
      assertTrue(pop3.command("AUTH PLAIN").startsWith("+"));
      assertEquals(TEMP_POP3, pop3.command(plain("bob", PASSWORD)));
      assertTrue(pop3.command("USER bob").startsWith("+OK"), "the session stays open");
    }
    assertTrue(logs.contains("temporary authentication failure for user bob: legacy server unreachable, and no "
        + "stored hash"), logs.lines().toString());
    assertFalse(logs.contains("authentication failed for user bob"), "not logged as a refused password");
  }

  @Test
  void withAStoredHashTheRightPasswordLogsInAndAWrongOneIsATemporaryFailure() throws Exception {
    try (Client imap = Client.imap(dovetail.imapPort())) {
      assertTrue(imap.tagged("a1 LOGIN alice " + PASSWORD).startsWith("a1 OK"), "the legacy server said yes");
    }
    legacyGoesDown();
    try (Client imap = Client.imap(dovetail.imapPort())) {
      // While the legacy server is down, a password that does not match the stored hash proves nothing: the hash
      // may be from before a password change there. Dovecot answers a passdb it cannot ask with a temporary
      // failure; an "invalid password" would make the client forget the (possibly right, new) password.
      assertEquals("a1 " + TEMP_IMAP, imap.tagged("a1 LOGIN alice " + WRONG));
      assertTrue(imap.tagged("a2 LOGIN alice " + PASSWORD).startsWith("a2 OK"), "the stored hash lets alice in");
    }
    try (Client pop3 = Client.pop3(dovetail.pop3Port())) {
      assertTrue(pop3.command("USER alice").startsWith("+OK"));
      assertEquals(TEMP_POP3, pop3.command("PASS " + WRONG));
      // The stored hash lets alice in; her INBOX, not migrated yet, cannot be opened while the legacy server is down
      // (InboxAccess), which is said after the login, with the reason.
      String answer = pop3.command("AUTH PLAIN " + plain("alice", PASSWORD));
      assertTrue(answer.startsWith("+OK") || answer.startsWith("-ERR [SYS/TEMP]") && !answer.equals(TEMP_POP3),
          answer);
    }
    assertTrue(logs.contains("temporary authentication failure for user alice: legacy server unreachable, and "
        + "the password does not match the stored hash"), logs.lines().toString());
  }

  /**
   * Review 23, F2: while the legacy server was down, each check was asked again (imapc_connection_retry_count), also
   * for a password the stored hash would let in at once: a login took a retry interval longer, or two time-outs. The
   * stored hash answers after the first failure now; only a password it cannot let in is asked again.
   */
  @Test
  void aPasswordTheStoredHashLetsInIsNotAskedAgainWhileTheLegacyServerIsDown() throws Exception {
    try (Client imap = Client.imap(dovetail.imapPort())) {
      assertTrue(imap.tagged("a1 LOGIN alice " + PASSWORD).startsWith("a1 OK"), "the legacy server said yes");
    }
    legacyGoesDown();
    try (Client imap = Client.imap(dovetail.imapPort())) {
      assertTrue(imap.tagged("a1 LOGIN alice " + PASSWORD).startsWith("a1 OK"), "the stored hash lets alice in");
    }
    assertFalse(logs.contains("password check of user alice:"), "asked again: " + logs.lines());
    assertTrue(logs.contains("legacy server unreachable for user alice"), logs.lines().toString());
  }

  @Test
  void aLegacyServerThatIsUpAndRefusesIsStillARefusalAfterTheDelay() throws Exception {
    try (Client imap = Client.imap(dovetail.imapPort())) {
      long start = System.nanoTime();
      String answer = imap.tagged("a1 LOGIN alice " + WRONG);
      assertTrue((System.nanoTime() - start) / 1_000_000 >= TestDovetail.FAILURE_DELAY.toMillis(), "delayed");
      assertTrue(answer.startsWith("a1 NO ") && !answer.contains("UNAVAILABLE"), answer);
    }
    try (Client pop3 = Client.pop3(dovetail.pop3Port())) {
      assertTrue(pop3.command("USER alice").startsWith("+OK"));
      assertEquals("-ERR [AUTH] Authentication failed.", pop3.command("PASS " + WRONG));
    }
  }

  /**
   * Walk-through 18, F1: a legacy Dovecot whose imap processes are all busy (process_limit) drops a login's connection
   * without an answer. A first login, with no stored hash to fall back on, was told "temporary failure" at once, while
   * the migrations beside it reconnected; the check is now asked again (imapc_connection_retry_count).
   */
  @Test
  void aLoginWhoseLegacyConnectionIsDroppedOnceIsAskedAgain() throws Exception {
    try (Forwarder busy = new Forwarder(legacyPort)) {
      dovetail.close();
      dovetail = null;
      dovetail = TestDovetail.builder(dir.resolve("busy")).legacyPassdb(busy.port()).setting("sweeper = no").start();
      busy.dropAtLogin(1);
      try (Client imap = Client.imap(dovetail.imapPort())) {
        assertTrue(imap.tagged("a1 LOGIN alice " + PASSWORD).startsWith("a1 OK"), "asked again, the legacy said yes");
      }
      assertEquals(2, busy.connections(), "one dropped, one answered");
      assertTrue(logs.contains("password check of user alice: 127.0.0.1:" + busy.port() + ": login as alice: the server"
          + " closed the connection without an answer to the login"), logs.lines().toString());
      assertFalse(logs.contains("Jakarta Mail Exception"), "Angus's stand-in is not quoted as the server's BYE");
    }
  }

  /** Lines over a plain socket: enough IMAP and POP3 to see an answer byte for byte. */
  private static final class Client implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    private Client(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(20_000);
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      out = socket.getOutputStream();
      line(); // the greeting
    }

    static Client imap(int port) throws IOException {
      return new Client(port);
    }

    static Client pop3(int port) throws IOException {
      return new Client(port);
    }

    void send(String line) throws IOException {
      out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    String line() throws IOException {
      String line = in.readLine();
      if (line == null) {
        throw new IOException("connection closed");
      }
      return line;
    }

    /** Sends a line and returns the first reply line: POP3's answer. */
    String command(String line) throws IOException {
      send(line);
      return line();
    }

    /** Sends a line and returns the first tagged (or BYE) line after it, skipping untagged ones. */
    String tagged(String line) throws IOException {
      send(line);
      while (true) {
        String reply = line();
        if (!reply.startsWith("* ") || reply.startsWith("* BYE")) {
          return reply;
        }
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
