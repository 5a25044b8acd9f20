package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * \Recent counts as Dovecot gives them (RFC 3501 §2.3.2): messages that arrived while no session had the folder open
 * are counted by STATUS RECENT and EXAMINE, and are recent in the first SELECT only; they were counted 0 everywhere,
 * so a client that shows new mail by RECENT (Alpine, mutt's mail_check_recent) showed none after the cut-over.
 */
class RecentCountsDovecotIT {
  private static final byte[] MESSAGE = "Subject: r\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path dir;

  @Test
  void recentCountsFollowDovecot() throws Exception {
    DovecotTwin twin = DovecotTwin.start(dir, Instant.parse("2024-01-01T00:00:00Z"), List.of(MESSAGE));
    try {
      List<List<String>> seen = new ArrayList<>();
      for (DovecotTwin.Server server : List.of(twin.dovecot(), twin.dovetail())) {
        List<String> counts = new ArrayList<>();
        try (RawImap a = server.login(); RawImap b = server.login(); RawImap c = server.login()) {
          counts.add("a store's first select: " + recent(c.command("SELECT INBOX")));
          assertTrue(RawImap.last(b.command("CREATE Box")).contains(" OK "));
          for (int i = 0; i < 2; i++) {
            assertTrue(RawImap.last(b.append("Box", "()", MESSAGE)).contains(" OK "));
          }
          counts.add("status after two appends: " + statusRecent(a.command("STATUS Box (MESSAGES RECENT)")));
          counts.add("examine: " + recent(a.command("EXAMINE Box")));
          counts.add("recent flags in examine: " + recentFlags(a));
          counts.add("status after examine: " + statusRecent(c.command("STATUS Box (RECENT)")));
          counts.add("first select: " + recent(a.command("SELECT Box")));
          counts.add("recent flags in first select: " + recentFlags(a));
          counts.add("second select: " + recent(b.command("SELECT Box")));
          counts.add("recent flags in second select: " + recentFlags(b));
          counts.add("status after select: " + statusRecent(c.command("STATUS Box (RECENT)")));
          assertTrue(RawImap.last(c.append("Box", "()", MESSAGE)).contains(" OK "));
          counts.add("status after a third append: " + statusRecent(c.command("STATUS Box (RECENT)")));
          counts.add("a third session's select: " + recent(c.command("SELECT Box")));
          counts.add("recent flags in the first two sessions: " + (recentFlags(a) + recentFlags(b)));
          // The selected folder selected again is reopened: what this session claimed is not recent there any more.
          counts.add("the third session's select again: " + recent(c.command("SELECT Box")));
          counts.add("recent flags after it: " + recentFlags(c));
          assertTrue(RawImap.last(b.append("Box", "()", MESSAGE)).contains(" OK "));
          counts.add("the first session's select again, after a fourth append: " + recent(a.command("SELECT Box")));
          counts.add("examine after select in one session: " + recent(a.command("EXAMINE Box")));
        }
        seen.add(counts);
      }
      assertEquals(seen.get(0), seen.get(1), "Dovecot, then Dovetail");
      assertEquals("status after two appends: 2", seen.get(1).get(1));
      assertEquals("first select: 2", seen.get(1).get(5));
      assertEquals("the third session's select again: 0", seen.get(1).get(13)); // 1 when the reopening counted it again
    } finally {
      twin.close();
    }
  }

  @Test
  void aFolderNobodyLookedAtCountsItsFirstMessagesAsRecent() throws Exception {
    DovecotTwin twin = DovecotTwin.start(dir, store -> { }); // a new user's empty INBOX: no index, no record
    try {
      List<List<String>> seen = new ArrayList<>();
      for (DovecotTwin.Server server : List.of(twin.dovecot(), twin.dovetail())) {
        List<String> counts = new ArrayList<>();
        try (RawImap a = server.login(); RawImap b = server.login()) {
          assertTrue(RawImap.last(b.append("INBOX", "()", MESSAGE)).contains(" OK "));
          counts.add("status after the first append: " + statusRecent(b.command("STATUS INBOX (RECENT)")));
          counts.add("first select: " + recent(a.command("SELECT INBOX")));
        }
        seen.add(counts);
      }
      assertEquals(seen.get(0), seen.get(1), "Dovecot, then Dovetail");
      assertEquals("first select: 1", seen.get(1).get(1)); // 0 when the STATUS took the message as old mail
    } finally {
      twin.close();
    }
  }

  /** The count of an untagged "* N RECENT" line, or -1 when there is none. */
  private static int recent(List<String> lines) {
    return lines.stream().filter(l -> l.startsWith("* ") && l.endsWith(" RECENT"))
        .mapToInt(l -> Integer.parseInt(l.substring(2, l.length() - " RECENT".length()))).findFirst().orElse(-1);
  }

  private static String statusRecent(List<String> lines) {
    return lines.stream().filter(l -> l.startsWith("* STATUS ")).map(l -> l.replaceAll(".*RECENT (\\d+).*", "$1"))
        .findFirst().orElse("none: " + lines);
  }

  private static long recentFlags(RawImap imap) throws Exception {
    return imap.command("FETCH 1:* (FLAGS)").stream().filter(l -> l.contains(" FETCH ") && l.contains("\\Recent"))
        .count();
  }
}
