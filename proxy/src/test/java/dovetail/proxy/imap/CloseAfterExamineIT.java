package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.MessageMeta;
import dovetail.store.SystemFlag;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 3501 6.4.2: CLOSE removes \Deleted messages only from a mailbox selected read-write; "No messages are removed
 * ... if the mailbox is selected by an EXAMINE command". Jakarta Mail closes a folder opened READ_ONLY with CLOSE,
 * so every such client hits this. Found by SweeperCrashDovecotIT (a Dovecot judge then saw fewer messages).
 */
class CloseAfterExamineIT {
  @TempDir Path dir;

  @Test
  void closeAfterExamineRemovesNothing() throws Exception {
    try (TestDovetail dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start()) {
      MailStore store = dovetail.store("alice");
      for (SystemFlag flag : new SystemFlag[] {SystemFlag.SEEN, SystemFlag.DELETED}) {
        store.open(MailStore.INBOX).append(MessageMeta.next(Instant.parse("2024-01-02T03:04:05Z"), Flags.of(flag)),
            new ByteArrayInputStream(("Subject: " + flag + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII)));
      }
      try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
        assertTrue(RawImap.last(imap.command("LOGIN alice secret")).contains(" OK "));
        assertTrue(RawImap.last(imap.command("EXAMINE INBOX")).contains(" OK [READ-ONLY] "));
        String closed = RawImap.last(imap.command("CLOSE"));
        assertTrue(closed.contains(" OK "), closed);
      }
      assertEquals(2, store.open(MailStore.INBOX).messages().size(), "the \\Deleted message is still there");
    }
  }
}
