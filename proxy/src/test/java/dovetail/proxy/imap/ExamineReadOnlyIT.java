package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.Flags;
import dovetail.store.StoredMessage;
import dovetail.store.SystemFlag;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 3501 §6.3.2: a folder opened with EXAMINE is read-only; no command may change it, not even \Seen. Before,
 * Dovetail served EXAMINE as SELECT: FETCH BODY[] set \Seen, STORE stored, EXPUNGE removed. The answers are
 * Dovecot 2.3's, except MOVE, which Dovecot carries out and Dovetail refuses (it would remove from a read-only
 * folder).
 */
class ExamineReadOnlyIT {
  @TempDir Path dir;

  @Test
  void nothingChangesInAnExaminedFolder() throws Exception {
    try (SelectedStateFixture f = new SelectedStateFixture(dir)) {
      try (RawImap imap = f.login()) {
        List<String> examine = imap.command("EXAMINE INBOX");
        assertTrue(RawImap.last(examine).contains(" OK [READ-ONLY]"), examine.toString());
        assertTrue(examine.contains("* OK [PERMANENTFLAGS ()] Read-only mailbox."), examine.toString());

        List<String> body = imap.command("FETCH 1:2 (BODY[] RFC822.TEXT)");
        assertTrue(RawImap.last(body).contains(" OK "), body.toString());
        assertFalse(String.join("\n", body).contains("\\Seen"), body.toString());

        assertTrue(RawImap.last(imap.command("STORE 1 +FLAGS (\\Flagged)"))
            .endsWith(" OK Store ignored with read-only mailbox."));
        assertTrue(RawImap.last(imap.command("UID STORE 1 (UNCHANGEDSINCE 99) +FLAGS (\\Seen)"))
            .contains(" NO CONDSTORE failed: Mailbox is read-only."));
        assertTrue(RawImap.last(imap.command("EXPUNGE")).contains(" OK "));
        assertTrue(RawImap.last(imap.command("UID EXPUNGE 3")).contains(" OK "));
        assertTrue(RawImap.last(imap.command("MOVE 3 Other")).contains(" NO "));
        assertTrue(RawImap.last(imap.command("COPY 3 Other")).contains(" OK [COPYUID "));
        assertTrue(RawImap.last(imap.command("CLOSE")).contains(" OK "));
      }
      List<StoredMessage> inbox = f.messages("INBOX");
      assertEquals(3, inbox.size(), "nothing expunged or moved");
      for (StoredMessage m : inbox) {
        assertFalse(m.flags().has(SystemFlag.SEEN), "no \\Seen on UID " + m.uid());
        assertFalse(m.flags().has(SystemFlag.FLAGGED), "no \\Flagged on UID " + m.uid());
      }
      assertEquals(Flags.of(SystemFlag.DELETED), inbox.get(2).flags());
      assertEquals(1, f.messages("Other").size(), "COPY from an examined folder works");
    }
  }

  /** REPLACE (RFC 8508, advertised) appends to a folder and expunges the replaced message from the examined one. */
  @Test
  void replaceInAnExaminedFolderIsRefused() throws Exception {
    try (SelectedStateFixture f = new SelectedStateFixture(dir); RawImap imap = f.login()) {
      assertTrue(RawImap.last(imap.command("EXAMINE INBOX")).contains(" OK [READ-ONLY]"));
      byte[] message = "Subject: replacement\r\n\r\nnew\r\n".getBytes(StandardCharsets.US_ASCII);
      for (String replace : List.of("REPLACE 1 Other", "UID REPLACE 2 Other")) {
        List<String> reply = imap.commandWithLiteral(replace, message);
        assertTrue(RawImap.last(reply).endsWith(" NO Mailbox is read-only."), replace + ": " + reply);
        assertFalse(reply.stream().anyMatch(l -> l.contains("EXPUNGE") || l.contains("VANISHED")), reply.toString());
      }
      assertEquals(3, f.messages("INBOX").size(), "nothing replaced");
      assertEquals(0, f.messages("Other").size(), "nothing appended");
    }
  }

  @Test
  void selectAfterExamineIsReadWriteAgain() throws Exception {
    try (SelectedStateFixture f = new SelectedStateFixture(dir); RawImap imap = f.login()) {
      assertTrue(RawImap.last(imap.command("EXAMINE INBOX")).contains(" OK [READ-ONLY]"));
      List<String> select = imap.command("SELECT INBOX");
      assertFalse(select.contains("* OK [PERMANENTFLAGS ()] Read-only mailbox."), select.toString());
      assertTrue(String.join("\n", imap.command("FETCH 1 BODY[]")).contains("\\Seen"));
      assertTrue(RawImap.last(imap.command("EXPUNGE")).contains(" OK "));
      assertEquals(2, f.messages("INBOX").size());
    }
  }
}
