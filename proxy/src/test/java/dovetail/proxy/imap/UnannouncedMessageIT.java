package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A message that another session appended must be announced with EXISTS before a response names it by sequence
 * number (RFC 3501 §2.3.1.2, §7.3.1; Dovecot syncs the view before it answers). James 3.8.1's SelectedMailboxImpl
 * adds the UID to the session's view as soon as the event arrives, so "FETCH 1:*" and "SEARCH ALL" answer for
 * message n+1 while the client still believes there are n; the EXISTS follows after (seen here: "* 1 FETCH" before
 * "* 1 EXISTS"). Found by
 * PipeliningStressIT; it is not a framing defect, and the fix belongs in the selected-mailbox layer.
 */
@Disabled("known James 3.8.1 defect in the selected-mailbox layer, not fixed yet: see the class comment")
class UnannouncedMessageIT {
  @TempDir static Path dir;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  @Test
  void aFetchNeverNamesAMessageBeforeItsExists() throws Exception {
    try (PipelineWire a = new PipelineWire(dovetail.imapPort()).loginAndSelect("alice", "secret", "INBOX");
        PipelineWire b = new PipelineWire(dovetail.imapPort()).loginAndSelect("alice", "secret", "INBOX")) {
      String m = "Subject: x\r\n\r\nx\r\n";
      b.send("b1 APPEND INBOX {" + m.length() + "+}\r\n" + m + "\r\n");
      assertTrue(b.untilTagged("b1").stream().anyMatch(l -> l.startsWith("b1 OK")));
      a.send("a1 FETCH 1:* (FLAGS)\r\n");
      List<String> lines = a.untilTagged("a1");
      int exists = 0;
      for (String l : lines) {
        if (l.matches("\\* \\d+ EXISTS")) {
          exists = Integer.parseInt(l.split(" ")[1]);
        } else if (l.matches("\\* \\d+ FETCH .*")) {
          int n = Integer.parseInt(l.split(" ")[1]);
          assertTrue(n <= exists, l + " before EXISTS announced it:\n" + String.join("\n", lines));
        }
      }
      assertEquals(1, exists);
    }
  }
}
