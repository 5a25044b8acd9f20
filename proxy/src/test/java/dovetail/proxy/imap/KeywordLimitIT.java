package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Maildir names at most 26 keywords per folder (the letters a-z of its file names). A keyword beyond them is refused
 * with {@code NO [LIMIT]} and a reason the user can act on, as RFC 5530 has it for an implementation limit; it was
 * {@code NO STORE failed. Save failed.} and a WARN per message. Nothing else of the command is written.
 */
class KeywordLimitIT {
  @TempDir Path dir;

  @Test
  void theTwentySeventhKeywordIsRefusedWithLimit() throws Exception {
    try (TestDovetail dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start()) {
      Mailbox inbox = dovetail.store("alice").create("INBOX", 777, 1);
      Flags all = Flags.NONE;
      for (int i = 1; i <= 26; i++) {
        all = all.withKeywords("k" + i);
      }
      inbox.append(MessageMeta.next(Instant.parse("2024-01-01T00:00:00Z"), all),
          new ByteArrayInputStream("Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)));
      try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
        imap.command("LOGIN alice secret");
        imap.command("SELECT INBOX");
        assertTrue(RawImap.last(imap.command("UID STORE 1 +FLAGS (k3)")).contains(" OK "), "a known keyword");
        List<String> stored = imap.command("UID STORE 1 +FLAGS (\\Seen k27)");
        assertTrue(RawImap.last(stored).matches("^\\S+ NO \\[LIMIT\\] .*26 keywords.*"), stored.toString());
        List<String> appended = imap.append("INBOX", "(k28)",
            "Subject: y\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(RawImap.last(appended).matches("^\\S+ NO \\[LIMIT\\] .*26 keywords.*"), appended.toString());
      }
      assertEquals(1, inbox.messages().size(), "the APPEND wrote nothing");
      assertEquals(all, inbox.messages().get(0).flags(), "the STORE changed nothing");
    }
  }
}
