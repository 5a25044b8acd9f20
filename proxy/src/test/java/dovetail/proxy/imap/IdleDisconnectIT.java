package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dovetail.proxy.server.TestDovetail;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A client that goes away during IDLE (closes its socket, or its connection is reset) is a normal end of a session,
 * as Dovecot logs it ("Disconnected"): no WARN, no stack trace, no exception reaching the end of the pipeline, and
 * the server goes on serving.
 */
class IdleDisconnectIT {
  @TempDir static Path tmp;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(tmp.resolve("dovetail")).user("alice", "{PLAIN}secret").start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  /** Every WARN and ERROR line logged, and every line that carries an exception, while it is attached. */
  private static final class Problems implements AutoCloseable {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    Problems() {
      appender.start();
      root().addAppender(appender);
    }

    List<String> lines() {
      synchronized (appender) {
        return appender.list.stream()
            .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN) || e.getThrowableProxy() != null)
            .map(e -> e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage()
                + (e.getThrowableProxy() == null ? "" : " | " + e.getThrowableProxy().getClassName() + ": "
                + e.getThrowableProxy().getMessage()))
            .toList();
      }
    }

    @Override
    public void close() {
      root().detachAppender(appender);
    }

    private static Logger root() {
      return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
  }

  private static RawImap idling() throws Exception {
    RawImap imap = RawImap.connect(dovetail.imapPort());
    assertTrue(RawImap.last(imap.command("LOGIN alice secret")).contains("OK"));
    assertTrue(RawImap.last(imap.command("SELECT INBOX")).contains("OK"));
    imap.send("i1 IDLE");
    assertTrue(imap.readResponse().startsWith("+ "), "IDLE continues");
    return imap;
  }

  /** What the server did with the connections that went away shows once a new session has been served. */
  private static void stillServes() throws Exception {
    Thread.sleep(500); // the server notices the end of the connection on its own threads
    try (RawImap next = RawImap.connect(dovetail.imapPort())) {
      assertTrue(RawImap.last(next.command("LOGIN alice secret")).contains("OK"));
      assertTrue(RawImap.last(next.command("SELECT INBOX")).contains("OK"));
      next.send("i1 IDLE");
      assertTrue(next.readResponse().startsWith("+ "));
      next.send("DONE");
      // Untagged updates may come before the tagged OK (RFC 3501 §7: at any time).
      List<String> untagged = new ArrayList<>();
      String line;
      while ((line = next.readResponse()).startsWith("* ")) {
        untagged.add(line);
      }
      assertTrue(line.startsWith("i1 OK"), line + " after " + untagged);
      assertTrue(RawImap.last(next.command("LOGOUT")).contains("OK"));
    }
    Thread.sleep(200);
  }

  @Test
  void aClientThatClosesItsSocketDuringIdleLeavesNoWarningAndTheServerGoesOn() throws Exception {
    try (Problems problems = new Problems()) {
      idling().close();
      stillServes();
      assertEquals(List.of(), problems.lines());
    }
  }

  @Test
  void aClientWhoseConnectionIsResetDuringIdleLeavesNoWarningAndTheServerGoesOn() throws Exception {
    try (Problems problems = new Problems()) {
      idling().reset();
      stillServes();
      assertEquals(List.of(), problems.lines());
    }
  }

  /**
   * DONE and the end of the connection arrive together: IDLE's line handler may still be running when the channel
   * is gone (James's session then finds no decoder to pop it from). Several times, as the two race.
   */
  @Test
  void aClientThatEndsIdleAndDisconnectsAtOnceLeavesNoWarningAndTheServerGoesOn() throws Exception {
    try (Problems problems = new Problems()) {
      for (int i = 0; i < 20; i++) {
        RawImap imap = idling();
        imap.send("DONE");
        if (i % 2 == 0) {
          imap.reset();
        } else {
          imap.close();
        }
      }
      stillServes();
      assertEquals(List.of(), problems.lines());
    }
  }
}
