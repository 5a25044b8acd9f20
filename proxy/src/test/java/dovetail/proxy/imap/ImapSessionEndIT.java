package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dovetail.migrator.service.MigrationService;
import dovetail.proxy.auth.LogCapture;
import dovetail.proxy.server.TestDovetail;
import dovetail.store.dovecot.Forwarder;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migration service hears of the end of every IMAP session whose login it heard of (walk-through 14, L2): the
 * sweeper takes users who are logged in now first, and a user who logged out, or whose connection dropped, is no
 * longer one of them, nor kept in its memory. A user with two sessions stays logged in until the second ends, and
 * the end of a master user's session as the user is not the end of the user's own.
 */
class ImapSessionEndIT {
  @TempDir Path dir;
  private GreenMail legacy;
  private Forwarder toLegacy; // holds the legacy server's answers when a test needs a slow one
  private TestDovetail dovetail;

  @BeforeEach
  void start() throws Exception {
    legacy = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
    legacy.start();
    for (String user : new String[] {"alice", "bob", "carol", "dave"}) {
      legacy.setUser(user + "@example.com", user, user + "-pw");
    }
    toLegacy = new Forwarder(legacy.getImap().getPort());
    dovetail = TestDovetail.builder(dir).legacyPassdb(toLegacy.port()).masterUser("admin", "{PLAIN}admin-pw")
        .start();
  }

  @AfterEach
  void stop() throws Exception {
    if (dovetail != null) {
      dovetail.close();
    }
    toLegacy.close();
    legacy.stop();
  }

  private Set<String> loggedIn() {
    return ((MigrationService) dovetail.server().migrations().orElseThrow()).loggedInUsers();
  }

  private RawImap login(String user) throws Exception {
    RawImap imap = RawImap.connect(dovetail.imapPort());
    assertTrue(RawImap.last(imap.command("LOGIN " + user + " " + user + "-pw")).contains(" OK "));
    return imap;
  }

  @Test
  void logoutAndADroppedConnectionEndTheLoginWhileAConnectedUserStaysLoggedIn() throws Exception {
    try (RawImap carol = login("carol"); RawImap dave1 = login("dave"); RawImap dave2 = login("dave")) {
      assertTrue(RawImap.last(carol.command("SELECT INBOX")).contains(" OK "));
      try (RawImap alice = login("alice")) {
        assertTrue(RawImap.last(alice.command("LOGOUT")).contains(" OK "));
      }
      login("bob").close(); // the connection drops: no LOGOUT
      dave1.close();
      try (RawImap refused = RawImap.connect(dovetail.imapPort())) { // a failed login reports nothing to end
        assertTrue(RawImap.last(refused.command("LOGIN alice wrong")).contains(" NO "));
      }
      awaitLoggedIn(Set.of("carol", "dave"));
      assertEquals(Set.of("carol", "dave"), loggedIn(), "dave has a session left");
      dave2.close();
      awaitLoggedIn(Set.of("carol"));
      try (RawImap master = RawImap.connect(dovetail.imapPort())) { // its login was not heard of: nor is its end
        assertTrue(RawImap.last(master.command("LOGIN carol*admin admin-pw")).contains(" OK "));
        assertTrue(RawImap.last(master.command("LOGOUT")).contains(" OK "));
      }
      assertTrue(RawImap.last(carol.command("NOOP")).contains(" OK "));
      assertEquals(Set.of("carol"), loggedIn(), "carol is still connected");
    }
    awaitLoggedIn(Set.of());
  }

  /**
   * A client that gives up while the legacy server is slow to check its password closes before its login is through:
   * the check is abandoned. It was taken as "legacy server unreachable" (a WARN), and the stored hash let the login
   * through after the client had left: the close had found no login to end, so the user counted as logged in for good
   * (and, without a master user, kept their password in memory).
   */
  @Test
  void aLoginTheClientGaveUpOnIsAbandonedAndNotLetInByTheStoredHash() throws Exception {
    login("alice").close(); // the legacy server's yes stores the password's hash
    awaitLoggedIn(Set.of());
    dovetail.close(); // a restart forgets the recent logins: the next check asks the legacy server
    dovetail = TestDovetail.builder(dir).legacyPassdb(toLegacy.port()).masterUser("admin", "{PLAIN}admin-pw").start();
    int before = toLegacy.connections();
    toLegacy.stallAfter(0);
    try (LogCapture logs = new LogCapture()) {
      try (RawImap impatient = RawImap.connect(dovetail.imapPort())) {
        impatient.send("a LOGIN alice alice-pw");
        awaitTrue(() -> toLegacy.connections() > before, "the password check reached the legacy server");
      }
      awaitTrue(() -> logs.contains("password check of user alice abandoned"), "the check was abandoned");
      toLegacy.flowing();
      assertFalse(logs.contains("with the stored hash"), logs.lines().toString());
      assertEquals(List.of(), logs.problems());
    }
    assertEquals(Set.of(), loggedIn());
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(condition.getAsBoolean(), what);
  }

  /** Session ends are heard on the server's threads after the client saw the connection close. */
  private void awaitLoggedIn(Set<String> expected) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!loggedIn().equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(expected, loggedIn());
  }
}
