package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import dovetail.store.StoredMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A MOVE of a message that another writer (Dovecot) expunged after the session's last look, unnoticed by it: Dovecot
 * refuses such a MOVE whole, {@code NO [EXPUNGEISSUED] Some of the requested messages no longer exist.}, and so does
 * Dovetail, with nothing moved; the retry moves the rest. It answered James's generic NO before.
 */
class MoveOfExpungedMessageIT {
  @TempDir Path dir;

  @Test
  void nothingMovesAndTheAnswerIsExpungeIssuedThenTheRetryMovesTheRest() throws Exception {
    try (TestDovetail dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start()) {
      MailStore store = dovetail.store("alice");
      Mailbox inbox = store.create("INBOX", 777, 1);
      store.create("Other");
      try (MailboxTransaction tx = inbox.begin()) {
        for (int i = 1; i <= 3; i++) {
          tx.add(MessageMeta.next(Instant.parse("2024-01-01T00:00:00Z"), Flags.NONE),
              new ByteArrayInputStream(("Subject: m" + i + "\r\n\r\nbody " + i + "\r\n").getBytes(StandardCharsets.US_ASCII)));
        }
        tx.commit();
      }
      Path folder = dovetail.mailRoot().resolve("alice/Maildir");
      UnnoticedChange.beforeListing(folder);
      try (RawImap imap = RawImap.selected(dovetail.imapPort(), "alice", "secret", "INBOX")) {
        UnnoticedChange.toMessage(folder, 2, Files::delete);

        List<String> refused = imap.command("UID MOVE 1:3 Other");
        assertTrue(RawImap.last(refused).endsWith(
            " NO [EXPUNGEISSUED] Some of the requested messages no longer exist."), refused.toString());
        assertEquals(List.of(), store.open("Other").messages(), "nothing moved");
        assertEquals(List.of(1L, 3L), store.open("INBOX").messages().stream().map(StoredMessage::uid).toList());

        List<String> retried = imap.command("UID MOVE 1:3 Other");
        assertTrue(RawImap.last(retried).contains(" OK "), retried.toString());
        assertEquals(2, store.open("Other").messages().size());
        assertEquals(List.of(), store.open("INBOX").messages());
      }
    }
  }
}
