package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LIST's special-use attributes (RFC 6154) follow what the legacy server said of each folder, not the folder's name:
 * real Dovecot 2.3 as the legacy server flags "Gesendete Objekte" \Sent and Junk \Junk, and leaves Archive and Sent
 * unflagged. A folder with no legacy state (created in Dovetail) keeps the name-based default.
 */
class SpecialUseDovecotIT {
  @TempDir static Path dir;
  private static DovecotServer legacy;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    DovecotServer.assumeInstalled();
    legacy = DovecotServer.builder(dir.resolve("legacy")).user("gina", "secret").user("hugo", "secret")
        .masterUser("master", "master-secret").noSpecialUse()
        .specialUse("Gesendete Objekte", "\\Sent", DovecotServer.Auto.CREATE)
        .specialUse("Junk", "\\Junk", DovecotServer.Auto.CREATE)
        .start();
    try (ImapProbe p = ImapProbe.login(legacy, "gina")) {
      p.create("Archive");
      p.create("Sent");
    }
    try (ImapProbe p = ImapProbe.login(legacy, "hugo")) {
      p.create("Archive");
      for (String folder : List.of("Gesendete Objekte", "Archive", "Junk")) {
        p.subscribe(folder);
      }
    }
    dovetail = TestDovetail.builder(dir.resolve("dovetail")).user("gina", "{PLAIN}secret").user("hugo", "{PLAIN}secret")
        .legacyImap(legacy.imapPort(), "master", "master-secret")
        .setting("sweeper = no").setting("mail_fsync = never")
        .start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
    if (legacy != null) {
      legacy.close();
    }
  }

  private static final Pattern LIST = Pattern.compile("^\\* (?:LIST|LSUB) \\(([^)]*)\\) \"[^\"]*\" (.*)$");

  /** Folder name (as sent) to its special-use attributes, from LIST or LSUB lines. */
  private static Map<String, Set<String>> specialUse(List<String> lines) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (String line : lines) {
      Matcher m = LIST.matcher(line);
      if (!m.matches()) {
        continue;
      }
      Set<String> flags = new TreeSet<>();
      for (String attribute : m.group(1).split(" ")) {
        if (List.of("\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent", "\\Trash").contains(attribute)) {
          flags.add(attribute);
        }
      }
      out.put(m.group(2).replace("\"", ""), flags);
    }
    return out;
  }

  @Test
  void listAdvertisesTheLegacySpecialUseAndTheNameBasedDefaultOnlyForLocalFolders() throws Exception {
    try (RawImap d = RawImap.connect(dovetail.imapPort())) {
      d.command("LOGIN gina secret");
      assertTrue(RawImap.last(d.command("CREATE Drafts")).contains(" OK "), "a folder of Dovetail's own");

      List<String> returned = d.command("LIST \"\" \"*\" RETURN (SPECIAL-USE)");
      assertTrue(RawImap.last(returned).contains(" OK "), returned.toString());
      Map<String, Set<String>> expected = new TreeMap<>(Map.of(
          "INBOX", Set.of(),
          "Gesendete Objekte", Set.of("\\Sent"),
          "Junk", Set.of("\\Junk"),
          "Archive", Set.of(),
          "Sent", Set.of(),
          "Drafts", Set.of("\\Drafts")));
      assertEquals(expected, specialUse(returned), returned.toString());

      List<String> selected = d.command("LIST (SPECIAL-USE) \"\" \"*\"");
      assertTrue(RawImap.last(selected).contains(" OK "), selected.toString());
      assertEquals(Map.of("Gesendete Objekte", Set.of("\\Sent"), "Junk", Set.of("\\Junk"), "Drafts", Set.of("\\Drafts")),
          specialUse(selected), selected.toString());

      // The legacy attribute goes with the folder when it is renamed; a folder deleted and created again is local.
      assertTrue(RawImap.last(d.command("RENAME \"Gesendete Objekte\" Gesendet")).contains(" OK "));
      assertTrue(RawImap.last(d.command("DELETE Archive")).contains(" OK "));
      assertTrue(RawImap.last(d.command("CREATE Archive")).contains(" OK "));
      List<String> after = d.command("LIST (SPECIAL-USE) \"\" \"*\"");
      assertEquals(Map.of("Gesendet", Set.of("\\Sent"), "Junk", Set.of("\\Junk"), "Drafts", Set.of("\\Drafts"),
          "Archive", Set.of("\\Archive")), specialUse(after), after.toString());
    }
  }

  /**
   * LSUB shows the legacy server's attributes too, also as a session's first command, before any LIST has read the
   * folders (hugo is nobody else's user here); so does a plain LIST.
   */
  @Test
  void lsubAndPlainListShowTheLegacySpecialUse() throws Exception {
    try (RawImap d = RawImap.connect(dovetail.imapPort())) {
      d.command("LOGIN hugo secret");
      List<String> lsub = d.command("LSUB \"\" *");
      assertTrue(RawImap.last(lsub).contains(" OK "), lsub.toString());
      assertEquals(Map.of("Gesendete Objekte", Set.of("\\Sent"), "Archive", Set.of(), "Junk", Set.of("\\Junk")),
          specialUse(lsub), lsub.toString());

      List<String> list = d.command("LIST \"\" *");
      assertTrue(RawImap.last(list).contains(" OK "), list.toString());
      assertEquals(Map.of("INBOX", Set.of(), "Gesendete Objekte", Set.of("\\Sent"), "Archive", Set.of(),
          "Junk", Set.of("\\Junk")), specialUse(list), list.toString());
    }
  }
}
