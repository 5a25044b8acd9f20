package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

  @RegisterExtension static final SharedFolderServer server = new SharedFolderServer();

  /**
   * A SELECT answered BAD closes the selected folder too, in Dovecot: one that asks for QRESYNC before ENABLE
   * QRESYNC (refused by James), and one without a name (refused by the decoder, before any processor). Both kept
   * the folder selected. Runs against Dovetail and against real Dovecot (skipped when it is not installed).
   */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "Dovetail|SELECT INBOX (QRESYNC (1 1))", "Dovecot|SELECT INBOX (QRESYNC (1 1))",
      "Dovetail|EXAMINE", "Dovecot|EXAMINE"})
  void aSelectAnsweredBadLeavesNothingSelected(String name, String bad) throws Exception {
    SharedFolderServer.Target target = server.named(name);
    String folder = "Bad" + Math.abs(bad.hashCode());
    target.seed(folder, 2);
    try (RawImap imap = target.login()) {
      assertTrue(RawImap.last(imap.command("SELECT " + folder)).contains(" OK "));
      assertTrue(RawImap.last(imap.command("STORE 1 +FLAGS.SILENT (\\Deleted)")).contains(" OK "));
      List<String> refused = imap.command(bad);
      assertTrue(RawImap.last(refused).contains(" BAD "), refused.toString());
      assertTrue(refused.get(0).startsWith("* OK [CLOSED]"), refused.toString());
      for (String command : List.of("STORE 2 +FLAGS.SILENT (\\Deleted)", "EXPUNGE", "FETCH 1 FLAGS")) {
        List<String> lines = imap.command(command);
        assertFalse(RawImap.last(lines).contains(" OK "), command + " after " + bad + ": " + lines);
      }
    }
    try (RawImap other = target.login()) {
      List<String> examined = other.command("EXAMINE " + folder);
      assertTrue(examined.contains("* 2 EXISTS"), "nothing was expunged: " + examined);
      List<String> flags = other.command("FETCH 1:* (FLAGS)");
      assertTrue(!flags.get(1).contains("\\Deleted"), "message 2 was not changed: " + flags);
    }
  }
}
