package dovetail.proxy.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refused PASS waits out the failed-login delay off the Netty event loop that serves its connection: with more
 * connections than event loops (so that one shares the failing connection's loop), every other session's NOOP
 * and STAT are answered while that delay is still running. The same holds for a login that waits on its INBOX's
 * migration, which runs in the same place.
 */
class Pop3FailedLoginIsolationIT {
  /** Long, so that answering a few commands within it says nothing about the machine's speed. */
  private static final Duration DELAY = Duration.ofSeconds(5);
  /** James's default: two event loops per processor. One more connection than that shares the loop of the first. */
  private static final int OTHERS = Runtime.getRuntime().availableProcessors() * 2 + 1;

  @TempDir static Path dir;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    TestDovetail.Builder builder = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").failureDelay(DELAY);
    for (int i = 0; i < OTHERS; i++) {
      builder.user("user" + i, "{PLAIN}pw" + i);
    }
    dovetail = builder.start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  /** Commands run off the event loop still run one at a time, in the order they came, with PASS's wait. */
  @Test
  void pipelinedCommandsAreAnsweredInOrder() throws Exception {
    try (RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
      pop.send("USER alice\r\nPASS wrong\r\nUSER alice\r\nPASS secret\r\nSTAT\r\nNOOP\r\nQUIT");
      assertTrue(pop.line().startsWith("+OK"), "USER");
      assertTrue(pop.line().startsWith("-ERR"), "the wrong PASS");
      assertTrue(pop.line().startsWith("+OK"), "USER again");
      assertTrue(pop.line().startsWith("+OK"), "PASS");
      assertTrue(pop.line().startsWith("+OK 0 0"), "STAT, after the login");
      assertTrue(pop.line().startsWith("+OK"), "NOOP");
      assertTrue(pop.line().startsWith("+OK"), "QUIT");
    }
  }

  @Test
  void otherSessionsAreAnsweredWhileAFailedPassWaits() throws Exception {
    List<RawPop3> sessions = new ArrayList<>();
    try (RawPop3 failing = RawPop3.connect(dovetail.pop3Port())) {
      assertTrue(failing.command("USER alice").startsWith("+OK"));
      for (int i = 0; i < OTHERS; i++) {
        RawPop3 session = RawPop3.connect(dovetail.pop3Port());
        sessions.add(session);
        assertTrue(session.command("USER user" + i).startsWith("+OK"));
        assertTrue(session.command("PASS pw" + i).startsWith("+OK"), "user" + i + " logs in");
      }
      failing.send("PASS wrong");
      for (RawPop3 session : sessions) {
        assertTrue(session.command("NOOP").startsWith("+OK"));
        assertTrue(session.command("STAT").startsWith("+OK 0 0"));
        assertEquals(0, failing.available(), "a session was answered only after the failed PASS's answer");
      }
      assertTrue(failing.line().startsWith("-ERR"), "the wrong password is refused");
      assertTrue(failing.command("USER alice").startsWith("+OK"));
      assertTrue(failing.command("PASS secret").startsWith("+OK"), "the connection goes on");
    } finally {
      for (RawPop3 session : sessions) {
        session.close();
      }
    }
  }
}
