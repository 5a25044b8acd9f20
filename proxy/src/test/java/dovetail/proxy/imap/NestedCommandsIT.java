package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.MessageMeta;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands nested thousands of levels deep (SEARCH's parentheses, NOT and OR chains, SORT, BODY[1.1.1...]) are answered
 * BAD and the session goes on; James's recursive parsers and its recursive reading of a search key overflowed the
 * stack: the connection was dropped without an answer, or the command was never answered (walk-through 13, B2).
 * Dovecot answers them; a search up to the documented 500 levels is answered here too.
 */
class NestedCommandsIT {
  @TempDir static Path dir;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
    dovetail.store("alice").open("INBOX").append(MessageMeta.next(Instant.parse("2024-05-06T07:08:09Z"), Flags.NONE),
        new ByteArrayInputStream("Subject: one\r\n\r\none\r\n".getBytes(StandardCharsets.US_ASCII)));
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  private static String nested(String open, String inner, String close, int levels) {
    return open.repeat(levels) + inner + close.repeat(levels);
  }

  @Test
  void deeplyNestedCommandsAreBadAndTheSessionGoesOn() throws Exception {
    try (RawImap imap = RawImap.selected(dovetail.imapPort(), "alice", "secret", "INBOX")) {
      for (String command : List.of(
          "SEARCH " + nested("(", "ALL", ")", 10_000),
          "SEARCH " + nested("NOT ", "ALL", "", 9_000),
          "SEARCH " + nested("(", "ALL", "", 10_000),
          "SEARCH " + nested("OR ALL ", "ALL", "", 1_000),
          "SORT (DATE) UTF-8 " + nested("NOT ", "ALL", "", 2_000),
          "FETCH 1 BODY[" + "1.".repeat(5_000) + "1]")) {
        String answer = RawImap.last(imap.command(command));
        assertTrue(answer.contains(" BAD ") && answer.contains("nested too deeply"),
            command.substring(0, 20) + "...: " + answer);
        assertTrue(RawImap.last(imap.command("NOOP")).contains(" OK "), "the session goes on after " + command
            .substring(0, 20));
      }
      for (String command : List.of("SEARCH " + nested("(", "ALL", ")", 500),
          "SEARCH " + nested("NOT ", "NOT ALL", "", 499), "SEARCH " + nested("OR ALL ", "ALL", "", 500))) {
        List<String> answer = imap.command(command);
        assertTrue(RawImap.last(answer).contains(" OK "), command.substring(0, 20) + "...: " + answer);
      }
    }
  }
}
