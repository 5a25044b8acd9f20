package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Archive" that exists only as the parent of "Archive.2019" is {@code \Noselect} and has no special use, as in
 * Dovecot (walk-through 10, W1: it showed {@code \Archive}, from its name, on a folder that takes no message).
 */
class NoselectSpecialUseIT {
  @TempDir Path dir;

  @Test
  void aParentThatIsNoFolderShowsNoSpecialUse() throws Exception {
    try (TestDovetail dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start()) {
      dovetail.store("alice").create("Archive/2019");
      dovetail.store("alice").create("Trash");
      try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
        imap.command("LOGIN alice secret");
        List<String> plain = imap.command("LIST \"\" \"*\"");
        assertEquals(List.of("* LIST (\\Noselect \\HasChildren) \".\" \"Archive\""), lines(plain, "\"Archive\""),
            plain.toString());
        assertTrue(lines(plain, "\"Trash\"").get(0).contains("\\Trash"), "a real folder keeps its default: " + plain);
        List<String> selected = imap.command("LIST (SPECIAL-USE) \"\" \"*\"");
        assertEquals(List.of(), lines(selected, "\"Archive\""), selected.toString());
        assertEquals(1, lines(selected, "\"Trash\"").size(), selected.toString());
      }
    }
  }

  private static List<String> lines(List<String> reply, String name) {
    return reply.stream().filter(l -> l.startsWith("* LIST") && l.endsWith(name)).toList();
  }
}
