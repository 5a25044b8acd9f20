package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.SystemFlag;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every capability Dovetail advertises is exercised once here (or in a dedicated IT), and nothing else is offered. */
class AdvertisedExtensionsIT {
  static final Set<String> ADVERTISED = new TreeSet<>(List.of("IMAP4REV1", "SPECIAL-USE", "UNSELECT", "ENABLE",
      "CHILDREN", "UIDPLUS", "IDLE", "MOVE", "LIST-EXTENDED", "ESEARCH", "NAMESPACE", "LIST-STATUS", "SEARCHRES",
      "SASL-IR", "WITHIN", "CONDSTORE", "AUTH=PLAIN", "I18NLEVEL=1", "APPENDLIMIT=100000000", "ID", "REPLACE",
      "LITERAL+", "SORT", "SORT=DISPLAY", "QRESYNC")); // SORT: SortDovecotDifferentialIT; QRESYNC: QresyncIT

  @TempDir static Path dir;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
    Mailbox inbox = dovetail.store("alice").create("INBOX", 55, 1);
    for (int i = 1; i <= 4; i++) {
      inbox.append(MessageMeta.next(Instant.now().minusSeconds(86400L * 10 * (i - 1)), i % 2 == 0 ? Flags.of(SystemFlag.SEEN) : Flags.NONE),
          new ByteArrayInputStream(("Subject: ext " + i + "\r\nFrom: f" + i + "@example.org\r\n\r\nbody " + i + "\r\n")
              .getBytes(StandardCharsets.US_ASCII)));
    }
    dovetail.store("alice").create("Sent");
    // A parent is created too: a missing Maildir++ parent is not listed as \Noselect yet (Dovecot does).
    dovetail.store("alice").create("Projects");
    dovetail.store("alice").create("Projects/Alpha");
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  private static RawImap login() throws Exception {
    RawImap imap = RawImap.connect(dovetail.imapPort());
    String plain = Base64.getEncoder().encodeToString("\0alice\0secret".getBytes(StandardCharsets.UTF_8));
    assertTrue(RawImap.last(imap.command("AUTHENTICATE PLAIN " + plain)).contains(" OK "), "SASL-IR, AUTH=PLAIN");
    return imap;
  }

  @Test
  void exactlyTheseCapabilitiesAreAdvertised() throws Exception {
    try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
      String line = imap.command("CAPABILITY").get(0);
      Set<String> caps = new TreeSet<>(Arrays.asList(line.substring("* CAPABILITY ".length()).split(" ")));
      assertEquals(ADVERTISED, caps);
    }
  }

  @Test
  void listExtensionsNamespaceAndChildren() throws Exception {
    try (RawImap imap = login()) {
      List<String> status = imap.command("LIST \"\" \"INBOX\" RETURN (STATUS (MESSAGES UNSEEN))");
      assertTrue(status.contains("* STATUS \"INBOX\" (MESSAGES 4 UNSEEN 2)"), "LIST-STATUS: " + status);
      List<String> children = imap.command("LIST \"\" \"Projects\"");
      assertTrue(children.get(0).contains("\\HasChildren"), "CHILDREN: " + children);
      List<String> sent = imap.command("LIST (SPECIAL-USE) \"\" \"*\"");
      assertTrue(sent.stream().anyMatch(l -> l.contains("\\Sent") && l.endsWith("\"Sent\"")), "SPECIAL-USE: " + sent);
      List<String> subscribed = imap.command("LIST (SUBSCRIBED) \"\" \"*\"");
      assertTrue(RawImap.last(subscribed).contains(" OK "), "LIST-EXTENDED: " + subscribed);
      // RFC 5258 §3: several patterns; each folder once however many match it (James answered BAD)
      List<String> patterns = imap.command("LIST \"\" (INBOX \"Sent\" Se* Nothing) RETURN (STATUS (MESSAGES))");
      assertEquals(List.of("* LIST (\\HasNoChildren) \".\" \"INBOX\"", "* STATUS \"INBOX\" (MESSAGES 4)",
          "* LIST (\\HasNoChildren) \".\" \"Sent\"", "* STATUS \"Sent\" (MESSAGES 0)"),
          patterns.subList(0, patterns.size() - 1), "LIST-EXTENDED patterns: " + patterns);
      assertTrue(RawImap.last(patterns).contains(" OK "), patterns.toString());
      assertTrue(imap.command("NAMESPACE").get(0).startsWith("* NAMESPACE ((\"\" \".\"))"));
      List<String> id = imap.command("ID NIL");
      assertTrue(id.get(0).startsWith("* ID "), "ID: " + id);
    }
  }

  @Test
  void searchExtensions() throws Exception {
    try (RawImap imap = login()) {
      imap.command("SELECT INBOX");
      assertEquals("* ESEARCH (TAG \"a3\") UID MIN 2 MAX 4 COUNT 2",
          imap.command("UID SEARCH RETURN (MIN MAX COUNT) SEEN").get(0), "ESEARCH");
      List<String> save = imap.command("SEARCH RETURN (SAVE) UNSEEN");
      assertEquals(1, save.size(), "RFC 5182 2.1: SAVE alone returns no result: " + save);
      assertTrue(RawImap.last(save).contains(" OK "));
      List<String> saved = imap.command("UID FETCH $ (UID)");
      assertEquals(2, saved.stream().filter(l -> l.startsWith("* ") && l.contains(" FETCH ")).count(), "SEARCHRES: " + saved);
      assertEquals("* SEARCH 1 2", imap.command("SEARCH YOUNGER 1000000").get(0), "WITHIN");
      assertEquals("* SEARCH 1", imap.command("SEARCH SUBJECT \"EXT 1\"").get(0), "I18NLEVEL=1: case-insensitive");
    }
  }

  @Test
  void replaceUnselectEnableAndAppendLimit() throws Exception {
    try (RawImap imap = login()) {
      List<String> enabled = imap.command("ENABLE CONDSTORE");
      assertTrue(enabled.get(0).startsWith("* ENABLED CONDSTORE"), "ENABLE: " + enabled);
      imap.command("CREATE Drafts");
      imap.append("Drafts", "(\\Draft)", "Subject: draft 1\r\n\r\nv1\r\n".getBytes(StandardCharsets.US_ASCII));
      imap.command("SELECT Drafts");
      byte[] v2 = "Subject: draft 2\r\n\r\nv2\r\n".getBytes(StandardCharsets.US_ASCII);
      List<String> replaced = replace(imap, "1", "Drafts", v2);
      assertTrue(RawImap.last(replaced).contains(" OK "), "REPLACE: " + replaced);
      assertEquals(List.of(2L), dovetail.store("alice").open("Drafts").messages().stream().map(m -> m.uid()).toList());
      assertTrue(RawImap.last(imap.command("UNSELECT")).contains(" OK "), "UNSELECT");
    }
  }

  private static List<String> replace(RawImap imap, String msn, String folder, byte[] message) throws Exception {
    // REPLACE msn mailbox {n}: RawImap.append's literal handling, with the command word swapped in.
    return imap.append(msn + " " + folder, "(\\Draft)", message, "REPLACE");
  }
}
