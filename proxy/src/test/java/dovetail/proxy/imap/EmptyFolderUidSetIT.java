package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RFC 3501 §6.4.8: a UID set is valid on a folder with no messages, it names none. Sync clients (Thunderbird,
 * mbsync, offlineimap) send {@code UID FETCH 1:* (FLAGS)} to every folder; on an empty one James 3.8.1 answered
 * {@code BAD FETCH failed. Invalid messageset.} (and so STORE, COPY and MOVE). The same commands run against
 * Dovetail and real Dovecot 2.3 (skipped when it is not installed), on a folder that never had messages and on one
 * whose messages were all expunged, and both must answer as Dovecot does: what a client reads, the untagged lines
 * and the tagged status with its response code, not Dovecot's timing suffix.
 */
class EmptyFolderUidSetIT {
  @RegisterExtension static final SharedFolderServer server = new SharedFolderServer();

  /**
   * Each command and what Dovecot 2.3.19 answers on an empty folder: untagged lines, then the tagged status. %1$s is
   * the other folder, %2$s the folder's HIGHESTMODSEQ.
   */
  private static final List<String> EXPECTED = List.of(
      "UID FETCH 1:* (FLAGS) -> OK",
      "UID FETCH 5:* (FLAGS) -> OK",
      "UID FETCH 5 (FLAGS) -> OK",
      "UID STORE 1:* +FLAGS (\\Seen) -> OK",
      "UID STORE 1:* +FLAGS.SILENT (\\Deleted) -> OK",
      "UID COPY 1:* %1$s -> OK No messages found.",
      "UID MOVE 1:* %1$s -> OK No messages found.",
      "UID SEARCH 1:* -> * SEARCH | OK",
      "UID EXPUNGE 1:* -> OK",
      // Dovecot does not look for the target when there is nothing to copy
      "UID COPY 1:* Missing -> OK No messages found.",
      "UID MOVE 1:* Missing -> OK No messages found.",
      "FETCH 1:* FLAGS -> BAD",
      // CONDSTORE from here on (RFC 7162 §3.1: CHANGEDSINCE enables it and reports HIGHESTMODSEQ)
      "UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1) -> * OK [HIGHESTMODSEQ %2$s] Highest | OK",
      "UID STORE 1:* (UNCHANGEDSINCE 1) +FLAGS (\\Seen) -> OK");

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "Dovetail|never had messages", "Dovecot|never had messages",
      "Dovetail|all expunged", "Dovecot|all expunged"})
  void uidSetsOnAnEmptyFolderNameNothingAndSucceed(String name, String state) throws Exception {
    SharedFolderServer.Target target = server.named(name);
    boolean expunged = state.equals("all expunged");
    String folder = expunged ? "Emptied" : "Empty";
    String other = folder + "Other";
    target.seed(folder, expunged ? 2 : 0);
    target.seed(other, 0);
    try (RawImap imap = target.login()) {
      assertTrue(RawImap.last(imap.command("SELECT " + folder)).contains(" OK "));
      if (expunged) {
        assertTrue(RawImap.last(imap.command("STORE 1:* +FLAGS.SILENT (\\Deleted)")).contains(" OK "));
        List<String> gone = imap.command("EXPUNGE");
        assertEquals(2, gone.stream().filter(l -> l.endsWith(" EXPUNGE")).count(), gone.toString());
      }
      List<String> answers = new ArrayList<>();
      List<String> expected = new ArrayList<>();
      for (String line : EXPECTED) {
        String command = line.substring(0, line.indexOf(" -> ")).formatted(other);
        answers.add(command + " -> " + essence(imap.command(command)));
        expected.add(line.formatted(other, expunged ? 5 : 1));
      }
      assertEquals(expected, answers, name + ", " + state);
    }
    try (RawImap imap = target.login()) {
      // QRESYNC (RFC 7162 §3.2.6): the expunged UIDs of the range, then OK.
      assertTrue(RawImap.last(imap.command("ENABLE QRESYNC")).contains(" OK "));
      assertTrue(RawImap.last(imap.command("SELECT " + folder)).contains(" OK "));
      assertEquals(expunged ? "* VANISHED (EARLIER) 1:2 | OK" : "OK",
          essence(imap.command("UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)")), name + ", " + state);
      List<String> status = imap.command("STATUS " + other + " (MESSAGES)");
      assertTrue(status.get(0).endsWith("(MESSAGES 0)"), "nothing was copied or moved: " + status);
    }
  }

  /**
   * The untagged lines, then the tagged line's status word and response code; its text only where a client reads
   * it (COPY and MOVE of nothing say "No messages found.").
   */
  private static String essence(List<String> lines) {
    List<String> out = new ArrayList<>(lines.subList(0, lines.size() - 1));
    String tagged = RawImap.last(lines);
    String rest = tagged.substring(tagged.indexOf(' ') + 1).replaceAll(" \\(\\d+\\.\\d+ \\+ \\d+\\.\\d+( \\+ \\d+\\.\\d+)? secs\\)\\.$", ".");
    String status = rest.contains(" ") ? rest.substring(0, rest.indexOf(' ')) : rest;
    String text = rest.substring(status.length()).trim();
    if (text.startsWith("[")) {
      status += " " + text.substring(0, text.indexOf(']') + 1);
    } else if (text.equals("No messages found.")) {
      status += " " + text;
    }
    out.add(status);
    return String.join(" | ", out);
  }
}
