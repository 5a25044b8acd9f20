package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 3501 §6.3.1: a SELECT or EXAMINE that fails leaves no mailbox selected. Before, the previous folder stayed
 * selected, and a client that went on with EXPUNGE after its SELECT of another folder failed expunged the folder it
 * had left. Dovecot 2.3 answers the same way: {@code * OK [CLOSED]}, the NO, then "No mailbox selected".
 */
class FailedSelectIT {
  @TempDir Path dir;

  @Test
  void aFailedSelectLeavesNothingSelected() throws Exception {
    try (SelectedStateFixture f = new SelectedStateFixture(dir); RawImap imap = f.login()) {
      assertTrue(RawImap.last(imap.command("SELECT INBOX")).contains(" OK [READ-WRITE]"));
      List<String> failed = imap.command("SELECT Missing");
      assertTrue(RawImap.last(failed).contains(" NO "), failed.toString());
      assertTrue(failed.contains("* OK [CLOSED] Previous mailbox closed."), failed.toString());

      List<String> expunge = imap.command("EXPUNGE");
      assertFalse(RawImap.last(expunge).contains(" OK "), expunge.toString());
      assertFalse(expunge.stream().anyMatch(line -> line.endsWith(" EXPUNGE")), expunge.toString());
      assertFalse(RawImap.last(imap.command("FETCH 1 FLAGS")).contains(" OK "));
      assertFalse(RawImap.last(imap.command("STORE 1 +FLAGS (\\Deleted)")).contains(" OK "));
    }
  }

  @Test
  void theDeletedMessageOfTheFolderLeftBehindIsStillThere() throws Exception {
    try (SelectedStateFixture f = new SelectedStateFixture(dir); RawImap imap = f.login()) {
      assertTrue(RawImap.last(imap.command("SELECT INBOX")).contains(" OK "));
      assertTrue(RawImap.last(imap.command("EXAMINE Missing")).contains(" NO "));
      imap.command("EXPUNGE");
      imap.command("CLOSE");
      assertEquals(3, f.messages("INBOX").size(), "the \\Deleted message of INBOX is kept");
      // and the session still works: a new SELECT selects
      assertTrue(RawImap.last(imap.command("SELECT INBOX")).contains(" OK [READ-WRITE]"));
    }
  }

  @Test
  void withNothingSelectedThereIsNothingToClose() throws Exception {
    try (SelectedStateFixture f = new SelectedStateFixture(dir); RawImap imap = f.login()) {
      List<String> failed = imap.command("SELECT Missing");
      assertEquals(1, failed.size(), failed.toString());
      assertTrue(RawImap.last(failed).contains(" NO "), failed.toString());
    }
  }
}
