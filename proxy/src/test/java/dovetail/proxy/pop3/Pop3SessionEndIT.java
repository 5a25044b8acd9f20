package dovetail.proxy.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dovetail.migrator.service.MigrationService;
import dovetail.proxy.server.TestDovetail;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migration service hears of the end of every POP3 session whose login it heard of (walk-through 14, L2): QUIT,
 * a dropped connection, and a login whose maildrop could not be opened; a user still connected stays logged in.
 */
class Pop3SessionEndIT {
  @TempDir Path dir;

  private static Set<String> loggedIn(TestDovetail dovetail) {
    return ((MigrationService) dovetail.server().migrations().orElseThrow()).loggedInUsers();
  }

  private static RawPop3 login(TestDovetail dovetail, String user) throws Exception {
    RawPop3 pop = RawPop3.connect(dovetail.pop3Port());
    assertTrue(pop.command("USER " + user).startsWith("+OK"));
    String reply = pop.command("PASS " + user + "-pw");
    assertTrue(reply.startsWith("+OK"), reply);
    return pop;
  }

  @Test
  void quitAndADroppedConnectionEndTheLoginWhileAConnectedUserStaysLoggedIn() throws Exception {
    GreenMail legacy = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
    legacy.start();
    try {
      for (String user : new String[] {"alice", "bob", "carol"}) {
        legacy.setUser(user + "@example.com", user, user + "-pw");
      }
      try (TestDovetail dovetail = TestDovetail.builder(dir).legacyPassdb(legacy.getImap().getPort()).start()) {
        try (RawPop3 carol = login(dovetail, "carol")) {
          try (RawPop3 alice = login(dovetail, "alice")) {
            assertTrue(alice.command("QUIT").startsWith("+OK"));
          }
          login(dovetail, "bob").close(); // the connection drops: no QUIT
          awaitLoggedIn(dovetail, Set.of("carol"));
          assertTrue(carol.command("NOOP").startsWith("+OK"));
          assertEquals(Set.of("carol"), loggedIn(dovetail), "carol is still connected");
        }
        awaitLoggedIn(dovetail, Set.of());
      }
    } finally {
      legacy.stop();
    }
  }

  @Test
  void aLoginWhoseMaildropCannotBeOpenedEndsAtOnce() throws Exception {
    try (TestDovetail dovetail = UnreachableLegacy.dovetail(dir, "alice", "alice-pw");
        RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
      assertTrue(pop.command("USER alice").startsWith("+OK"));
      String reply = pop.command("PASS alice-pw");
      assertTrue(reply.startsWith("-ERR [SYS/TEMP] "), reply);
      awaitLoggedIn(dovetail, Set.of());
    }
  }

  /** Session ends are heard on the server's threads after the client saw the connection close. */
  private static void awaitLoggedIn(TestDovetail dovetail, Set<String> expected) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!loggedIn(dovetail).equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(expected, loggedIn(dovetail));
  }
}
