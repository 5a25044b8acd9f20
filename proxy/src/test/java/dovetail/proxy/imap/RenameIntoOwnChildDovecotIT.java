package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RENAME edge cases, answered as stock Dovecot 2.3 answers them (it runs the same commands, as the legacy server). */
class RenameIntoOwnChildDovecotIT {
  @TempDir static Path dir;
  private static DovecotServer dovecot;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    DovecotServer.assumeInstalled();
    dovecot = DovecotServer.builder(dir.resolve("legacy")).user("kate", "kate-pw").user("lee", "lee-pw")
        .user("max", "max-pw").masterUser("master", "master-secret").autoCreateSpecialUse(false).start();
    try (ImapProbe p = ImapProbe.login(dovecot, "kate")) {
      p.create("Sent");
      p.append("Sent", message("sent"), List.of("\\Seen"), Instant.parse("2023-03-03T03:03:03Z"));
    }
    dovetail = TestDovetail.builder(dir.resolve("dovetail")).legacyPassdb(dovecot.imapPort(), "master", "master-secret")
        .setting("imapc_features = rfc822.size").setting("sweeper = no").setting("mail_fsync = never").start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
    if (dovecot != null) {
      dovecot.close();
    }
  }

  private static byte[] message(String subject) {
    return ("From: a@example.org\r\nSubject: " + subject + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8);
  }

  /** The tagged reply's text after the tag, e.g. "NO Can't rename mailbox under its own child.". */
  private static String result(List<String> reply) {
    String last = RawImap.last(reply);
    return last.substring(last.indexOf(' ') + 1);
  }

  /** LIST's lines without quotes: Dovecot quotes no atom, James quotes every name. */
  private static List<String> list(RawImap imap, String pattern) throws Exception {
    return imap.command("LIST \"\" \"" + pattern + "\"").stream().filter(l -> l.startsWith("* LIST"))
        .map(l -> l.replace("\"", "")).toList();
  }

  private static final String UNDER_ITSELF = "Can't rename mailbox under its own child";

  /**
   * The same commands on one server; {@code s} is its hierarchy separator. A refused RENAME changes nothing: Q keeps
   * its name, its message and its child.
   */
  private static void assertRenamesRefused(int port, String user, String password, char s) throws Exception {
    try (RawImap imap = RawImap.connect(port)) {
      assertTrue(result(imap.command("LOGIN " + user + " " + password)).startsWith("OK"));
      assertTrue(result(imap.command("CREATE Q")).startsWith("OK"));
      assertTrue(result(imap.append("Q", "()", message("q"))).startsWith("OK"));
      assertTrue(result(imap.command("CREATE Z")).startsWith("OK"));

      String intoChild = result(imap.command("RENAME Q Q" + s + "R"));
      assertTrue(intoChild.startsWith("NO ") && intoChild.contains(UNDER_ITSELF), intoChild);
      assertEquals(List.of("* LIST (\\HasNoChildren) " + s + " Q"), list(imap, "Q*"));
      assertTrue(result(imap.command("RENAME Q Q")).startsWith("NO "), "to itself");
      assertTrue(result(imap.command("RENAME Q Z")).startsWith("NO "), "to a name that exists");

      assertTrue(result(imap.command("CREATE Q" + s + "C")).startsWith("OK"));
      String intoGrandchild = result(imap.command("RENAME Q Q" + s + "C" + s + "D"));
      assertTrue(intoGrandchild.startsWith("NO ") && intoGrandchild.contains(UNDER_ITSELF), intoGrandchild);
      assertEquals(List.of("* LIST (\\HasChildren) " + s + " Q", "* LIST (\\HasNoChildren) " + s + " Q" + s + "C"),
          list(imap, "Q*"));
      assertTrue(imap.command("SELECT Q").contains("* 1 EXISTS"));
      assertTrue(result(imap.command("RENAME Q" + s + "C QC")).startsWith("OK"), "a child may leave its parent");
    }
  }

  @Test
  void renameUnderItsOwnChildIsRefusedAndChangesNothingAsInDovecot() throws Exception {
    assertRenamesRefused(dovecot.imapPort(), "lee", "lee-pw", '/');
    assertRenamesRefused(dovetail.imapPort(), "max", "max-pw", '.');
  }

  /**
   * RENAME INBOX is refused in Dovecot's words (walk-through 8, W8: {@code NO RENAME processing failed.}, which reads
   * as a server failure), and changes nothing.
   */
  @Test
  void renameOfInboxIsRefusedInDovecotsWords() throws Exception {
    List<String> answers = new java.util.ArrayList<>();
    for (int port : List.of(dovecot.imapPort(), dovetail.imapPort())) {
      try (RawImap imap = RawImap.connect(port)) {
        assertTrue(result(imap.command("LOGIN lee lee-pw")).startsWith("OK"));
        answers.add(result(imap.command("RENAME INBOX OldInbox")));
        assertEquals(List.of(), list(imap, "OldInbox"), "nothing made");
        assertTrue(result(imap.command("SELECT INBOX")).startsWith("OK"));
      }
    }
    assertEquals("NO [CANNOT] Renaming INBOX isn't supported", answers.get(1));
    assertEquals(answers.get(0).replaceFirst(" \\([0-9.+ ]+ secs\\)\\.$", ""), answers.get(1), "Dovecot's, untimed");
  }

  /** Before: OK, and the pending legacy folder went on as Sent.Sub.Sub, with Sent and Sent.Sub \\Noselect. */
  @Test
  void renameOfAPendingLegacyFolderUnderItselfIsRefused() throws Exception {
    try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
      assertTrue(result(imap.command("LOGIN kate kate-pw")).startsWith("OK"));
      String reply = result(imap.command("RENAME Sent Sent.Sub"));
      assertTrue(reply.startsWith("NO ") && reply.contains(UNDER_ITSELF), reply);
      // The legacy server's \\Sent shows on a plain LIST too, as on Dovecot (SpecialUseListDovecotIT).
      assertEquals(List.of("* LIST (\\HasNoChildren \\Sent) . Sent"), list(imap, "Sent*"));
      assertTrue(imap.command("SELECT Sent").contains("* 1 EXISTS"));
    }
    assertEquals(List.of("INBOX", "Sent"), dovetail.store("kate").listFolders());
  }
}
