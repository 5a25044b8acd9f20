package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dovetail.migrator.service.MigrationService;
import dovetail.proxy.server.TestDovetail;
import java.nio.file.Path;
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
  private TestDovetail dovetail;

  @BeforeEach
  void start() throws Exception {
    legacy = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
    legacy.start();
    for (String user : new String[] {"alice", "bob", "carol", "dave"}) {
      legacy.setUser(user + "@example.com", user, user + "-pw");
    }
    dovetail = TestDovetail.builder(dir).legacyPassdb(legacy.getImap().getPort()).masterUser("admin", "{PLAIN}admin-pw")
        .start();
  }

  @AfterEach
  void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
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

  /** Session ends are heard on the server's threads after the client saw the connection close. */
  private void awaitLoggedIn(Set<String> expected) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!loggedIn().equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(expected, loggedIn());
  }
}
