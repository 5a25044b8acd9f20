package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UNSELECT and CLOSE close the selected folder as SELECT of another one and LOGOUT do: each left the folder's view
 * registered for its events, with its UID list, for the life of the process (walk-through 14, L2: 23.6 KB per CLOSE of a
 * 2,000-message INBOX, never freed); so do EXAMINE's CLOSE and a failed SELECT (review 16).
 */
class DeselectReleasesFolderIT {
  @TempDir Path dir;

  @Test
  void unselectAndCloseLeaveNoListenerBehind() throws Exception {
    try (TestDovetail dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
        RawImap imap = RawImap.connect(dovetail.imapPort())) {
      assertTrue(RawImap.last(imap.command("LOGIN alice secret")).contains(" OK "));
      assertTrue(RawImap.last(imap.command("CREATE Other")).contains(" OK "));
      for (String leave : List.of("UNSELECT", "CLOSE")) {
        for (int i = 0; i < 5; i++) {
          assertTrue(RawImap.last(imap.command("SELECT INBOX")).contains(" OK "));
          assertTrue(RawImap.last(imap.command(leave)).contains(" OK "), leave);
        }
        assertEquals(0, dovetail.server().folderListeners(), "listeners left after 5 x SELECT, " + leave);
      }
      assertTrue(RawImap.last(imap.command("EXAMINE INBOX")).contains(" OK "));
      assertTrue(RawImap.last(imap.command("CLOSE")).contains(" OK "));
      assertEquals(0, dovetail.server().folderListeners(), "EXAMINE, CLOSE (review 16)");
      assertTrue(RawImap.last(imap.command("SELECT INBOX")).contains(" OK "));
      assertTrue(RawImap.last(imap.command("SELECT NoSuchFolder")).contains(" NO "));
      assertEquals(0, dovetail.server().folderListeners(), "a failed SELECT deselects (review 16)");
      assertTrue(RawImap.last(imap.command("EXAMINE INBOX")).contains(" OK "));
      assertTrue(RawImap.last(imap.command("SELECT Other")).contains(" OK "));
      assertEquals(1, dovetail.server().folderListeners(), "the selected folder's, and no other");
      assertTrue(RawImap.last(imap.command("UNSELECT")).contains(" OK "));
      assertEquals(0, dovetail.server().folderListeners());
    }
  }
}
