package dovetail.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.FlagNames;
import dovetail.store.dovecot.ImapProbe;
import dovetail.store.dovecot.ImapProbe.FolderState;
import dovetail.store.dovecot.ImapProbe.ImapMessage;
import dovetail.store.dovecot.MailBytes;
import dovetail.store.maildir.MaildirStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The other direction: real Dovecot writes a user's Maildir through IMAP (APPEND with flags, keywords and
 * INTERNALDATE, flag changes, EXPUNGE, CREATE with non-ASCII names, SUBSCRIBE), and the store must read exactly
 * what Dovecot serves, both while Dovecot runs and after it stopped, without changing Dovecot's files.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DovecotWrittenStoreIT {
  private static final String USER = "alice";
  private static final List<String> FOLDERS =
      List.of("INBOX", "Archive/2023", "Entwürfe", "Leer", "Projekte/Bär", "Tom & Jerry");
  private static final Set<String> SUBSCRIBED = Set.of("INBOX", "Entwürfe", "Projekte/Bär", "Tom & Jerry");

  @TempDir static Path tmp;
  private static DovecotServer dovecot;
  private static Path maildir;
  /** What Dovecot serves after all the writes: the expectation for the store. */
  private static Map<String, FolderState> served;
  /** The bytes each APPEND sent, by folder and APPENDUID. */
  private static final Map<String, Map<Long, byte[]>> appended = new TreeMap<>();

  @BeforeAll
  static void letDovecotWrite() {
    dovecot = DovecotServer.builder(tmp.resolve("dovecot")).user(USER, "secret").autoCreateSpecialUse(false).start();
    maildir = dovecot.maildir(USER);
    try (ImapProbe imap = ImapProbe.login(dovecot, USER)) {
      for (String f : FOLDERS.subList(1, FOLDERS.size())) {
        imap.create(f);
      }
      for (String s : List.of("INBOX", "Entwürfe", "Projekte/Bär", "Tom & Jerry", "Leer")) {
        imap.subscribe(s);
      }
      imap.unsubscribe("Leer");

      append(imap, "INBOX", mail("in-1", "\r\n", "first\r\n"), List.of("\\Seen"), "2021-03-04T05:06:07Z");
      append(imap, "INBOX", mail("in-2", "\r\n", "second\r\n"),
          List.of("\\Answered", "\\Flagged", "$Forwarded", "Project-X"), "2022-07-08T09:10:11Z");
      append(imap, "INBOX", mail("in-3", "\n", "bare LF sent by the client\n"), List.of(), "2019-01-01T00:00:00Z");
      append(imap, "INBOX", mail("in-4", "\r\n", "draft\r\n"), List.of("\\Draft", "Project-X"), "2023-12-31T23:59:58Z");
      append(imap, "INBOX", mail("in-5", "\r\n", "to be expunged\r\n"), List.of("\\Seen"), "2020-01-01T00:00:00Z");
      imap.setFlags("INBOX", 3, List.of("\\Seen", "NewKeyword"));
      imap.removeFlags("INBOX", 2, List.of("\\Flagged"));
      imap.addFlags("INBOX", 1, List.of("$Label1", "\\Deleted"));
      imap.expunge("INBOX", List.of(5L));

      append(imap, "Entwürfe", mail("ent-1", "\r\n", "Gr\u00fc\u00dfe\r\n"), List.of("\\Draft", "Entwurf"),
          "2024-02-03T04:05:06Z");
      append(imap, "Entwürfe", mail("ent-2", "\r\n", "zwei\r\n"), List.of(), "2024-02-03T04:05:07Z");
      append(imap, "Projekte/Bär", mail("baer-1", "\r\n", "one\r\n"), List.of("\\Flagged"), "2018-05-06T07:08:09Z");
      append(imap, "Tom & Jerry", mail("tom-1", "\r\n", "cat & mouse\r\n"), List.of(), "2017-09-09T09:09:09Z");
      append(imap, "Archive/2023", mail("arch-1", "\r\n", "old\r\n"), List.of("\\Seen", "\\Deleted"),
          "2023-01-02T03:04:05Z");

      served = new LinkedHashMap<>();
      for (String f : FOLDERS) {
        served.put(f, imap.examine(f));
      }
    }
  }

  private static void append(ImapProbe imap, String folder, byte[] content, List<String> flags, String date) {
    ImapProbe.Appended a = imap.append(folder, content, flags, Instant.parse(date));
    appended.computeIfAbsent(folder, k -> new TreeMap<>()).put(a.uid(), content);
  }

  @AfterAll
  static void stop() {
    if (dovecot != null) {
      dovecot.close();
    }
  }

  @Test
  @Order(1)
  void dovecotWroteWhatTheTestNeeds() throws IOException {
    // The cases below are only meaningful if Dovecot really produced them.
    assertEquals(List.of(1L, 2L, 3L, 4L), served.get("INBOX").uids());
    assertEquals(6, served.get("INBOX").uidNext());
    assertEquals(Set.of("\\Seen", "\\Deleted", "$Label1"), served.get("INBOX").byUid(1).flags());
    assertEquals(Set.of("\\Seen", "NewKeyword"), served.get("INBOX").byUid(3).flags());
    assertTrue(list(maildir.resolve(".Tom &- Jerry/new")).size() == 1, "an unflagged APPEND stays in new/");
    // Dovecot appended a record without rewriting the header: N is stale, UIDNEXT = last UID + 1.
    List<String> archive = Files.readAllLines(maildir.resolve(".Archive.2023/dovecot-uidlist"));
    assertTrue(archive.get(0).matches("3 V\\d+ N1 G[0-9a-f]{32}"), archive.toString());
    assertTrue(archive.get(1).startsWith("1 :"), archive.toString());
    assertEquals(2, served.get("Archive/2023").uidNext());
    // The expunged UID 5 keeps its record until Dovecot's next rewrite: a record without a file.
    assertTrue(Files.readString(maildir.resolve("dovecot-uidlist")).contains("\n5 :"));
    assertTrue(Files.readString(maildir.resolve("dovecot-keywords")).contains(" NewKeyword\n"));
  }

  @Test
  @Order(2)
  void storeReadsWhatDovecotServesWhileDovecotRuns() throws IOException {
    Map<String, Fact> dovecotFiles = dovecotFiles();
    assertStoreMatches(MaildirStore.open(maildir, StoreOptions.DEFAULT));
    assertUnchanged(dovecotFiles, dovecotFiles());
    // Dovecot still serves the same after the store read its files.
    try (ImapProbe imap = ImapProbe.login(dovecot, USER)) {
      for (String f : FOLDERS) {
        assertEquals(strip(served.get(f)), strip(imap.examine(f)), f);
      }
    }
    assertEquals(List.of(), dovecot.logProblems(), dovecot.log());
  }

  @Test
  @Order(3)
  void storeReadsWhatDovecotServedAfterDovecotStopped() throws IOException {
    Map<String, String> mailboxGuids = new TreeMap<>();
    for (Map<String, String> row : dovecot.doveadmTable("mailbox", "status", "-u", USER, "guid", "*")) {
      mailboxGuids.put(row.get("mailbox"), row.get("guid"));
    }
    Map<String, List<String>> messageGuids = new TreeMap<>();
    for (String f : FOLDERS) {
      messageGuids.put(f, dovecot.doveadmTable("fetch", "-u", USER, "guid", "mailbox", f, "all").stream()
          .map(r -> r.get("guid")).toList());
    }
    assertEquals(List.of(), dovecot.logProblems(), dovecot.log());
    dovecot.close();

    Map<String, Fact> dovecotFiles = dovecotFiles();
    MailStore store = MaildirStore.open(maildir, StoreOptions.DEFAULT);
    assertStoreMatches(store);
    for (String f : FOLDERS) {
      Mailbox box = store.open(f);
      assertEquals(mailboxGuids.get(f), box.status().guid(), f + " mailbox GUID");
      assertEquals(messageGuids.get(f), box.messages().stream().map(StoredMessage::guid).toList(), f + " GUIDs");
    }
    assertUnchanged(dovecotFiles, dovecotFiles());
  }

  /**
   * Reading must leave Dovecot's files alone, with one exception that Dovecot makes itself: a uidlist may be
   * rewritten to drop records whose message file is gone (expunged), keeping UIDVALIDITY, the mailbox GUID,
   * the effective NEXTUID and every other record with its extension fields.
   */
  private static void assertUnchanged(Map<String, Fact> before, Map<String, Fact> after) {
    List<String> changes = new ArrayList<>();
    for (String k : before.keySet()) {
      if (!after.containsKey(k)) {
        changes.add("removed " + k);
      } else if (!before.get(k).equals(after.get(k))
          && !(k.endsWith("dovecot-uidlist") && onlyDroppedRecordsOfMissingFiles(k, before.get(k), after.get(k)))) {
        changes.add("changed " + k + ": " + before.get(k) + " -> " + after.get(k));
      }
    }
    after.keySet().stream().filter(k -> !before.containsKey(k)).forEach(k -> changes.add("added " + k));
    assertEquals(List.of(), changes, "reading with the store changed Dovecot's files");
  }

  private static void assertStoreMatches(MailStore store) throws IOException {
    assertEquals(FOLDERS, store.listFolders());
    assertEquals(SUBSCRIBED, store.subscriptions());
    for (String f : FOLDERS) {
      FolderState want = served.get(f);
      Mailbox box = store.open(f);
      MailboxStatus status = box.status();
      assertEquals(want.uidValidity(), status.uidValidity(), f + " UIDVALIDITY");
      assertEquals(want.uidNext(), status.nextUid(), f + " UIDNEXT");
      assertEquals(want.messages().size(), status.messages(), f + " messages");
      assertEquals(want.messages().stream().filter(m -> !m.flags().contains("\\Seen")).count(), status.unseen(),
          f + " unseen");
      List<StoredMessage> messages = box.messages();
      assertEquals(want.uids(), messages.stream().map(StoredMessage::uid).toList(), f + " UIDs");
      for (StoredMessage m : messages) {
        ImapMessage imap = want.byUid(m.uid());
        String where = f + " UID " + m.uid();
        assertEquals(imap.flags(), FlagNames.imap(m.flags()), where + " flags");
        assertEquals(imap.internalDate(), m.internalDate(), where + " INTERNALDATE");
        assertEquals(imap.size(), m.virtualSize(), where + " RFC822.SIZE");
        assertNull(m.pop3Uidl(), where);
        assertEquals(0, m.pop3Order(), where);
        byte[] content;
        try (InputStream in = box.openContent(m.uid())) {
          content = in.readAllBytes();
        }
        assertEquals(content.length, m.size(), where + " physical size");
        assertEquals(imap.sha256(), MailBytes.sha256(MailBytes.crlf(content)), where + " bytes");
        assertEquals(MailBytes.sha256(MailBytes.crlf(appended.get(f).get(m.uid()))),
            MailBytes.sha256(MailBytes.crlf(content)), where + " bytes as appended");
        assertEquals(m.baseName(), m.guid(), where + " GUID: Dovecot writes no G, so it is the base name");
      }
    }
  }

  /** Dovecot's files that the store must not touch when it only reads: control files and messages. */
  private static Map<String, Fact> dovecotFiles() throws IOException {
    Map<String, Fact> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(maildir)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        String name = p.getFileName().toString();
        String parent = p.getParent().getFileName().toString();
        boolean control = name.equals("dovecot-uidlist") || name.equals("dovecot-keywords")
            || name.equals("subscriptions") || name.startsWith("dovecot-uidvalidity");
        boolean message = parent.equals("cur") || parent.equals("new");
        if (Files.isRegularFile(p) && (control || message)) {
          byte[] bytes = Files.readAllBytes(p);
          out.put(maildir.relativize(p).toString(), new Fact(MailBytes.sha256(bytes),
              Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class).fileKey(),
              Files.getLastModifiedTime(p).toMillis(), control ? new String(bytes, StandardCharsets.UTF_8) : ""));
        }
      }
    }
    return out;
  }

  private static boolean onlyDroppedRecordsOfMissingFiles(String path, Fact before, Fact after) {
    Uidlist was = Uidlist.parse(before.text());
    Uidlist is = Uidlist.parse(after.text());
    if (!was.uidValidity().equals(is.uidValidity()) || !was.guid().equals(is.guid())
        || was.effectiveNextUid() != is.effectiveNextUid()) {
      return false;
    }
    Path dir = maildir.resolve(path).getParent();
    Map<Long, String> kept = new TreeMap<>(was.records());
    kept.entrySet().removeIf(e -> !messageFileExists(dir, e.getValue()));
    return kept.equals(is.records());
  }

  private static boolean messageFileExists(Path folder, String record) {
    String base = record.substring(record.indexOf(':') + 1);
    for (String sub : List.of("cur", "new")) {
      try (Stream<Path> s = Files.list(folder.resolve(sub))) {
        if (s.anyMatch(p -> p.getFileName().toString().split(":", 2)[0].equals(base))) {
          return true;
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return false;
  }

  /** Just enough of dovecot-uidlist v3 to compare two versions: header fields and the records by UID. */
  record Uidlist(String uidValidity, String guid, long headerNext, Map<Long, String> records) {
    static Uidlist parse(String text) {
      List<String> lines = text.lines().toList();
      String v = "";
      String g = "";
      long n = 0;
      for (String field : lines.get(0).split(" +")) {
        if (field.startsWith("V")) {
          v = field.substring(1);
        } else if (field.startsWith("G")) {
          g = field.substring(1);
        } else if (field.startsWith("N")) {
          n = Long.parseLong(field.substring(1));
        }
      }
      Map<Long, String> records = new TreeMap<>();
      for (String line : lines.subList(1, lines.size())) {
        int sp = line.indexOf(' ');
        records.put(Long.parseLong(line.substring(0, sp)), line.substring(sp + 1));
      }
      return new Uidlist(v, g, n, records);
    }

    long effectiveNextUid() {
      return records.isEmpty() ? headerNext : Math.max(headerNext, java.util.Collections.max(records.keySet()) + 1);
    }
  }

  /** A file's identity and content; {@code text} is the content of control files, for failure messages. */
  record Fact(String sha256, Object fileKey, long mtimeMillis, String text) {}

  /** A folder state without \Recent, which differs between sessions by design. */
  private static List<String> strip(FolderState s) {
    List<String> out = new ArrayList<>();
    out.add(s.uidValidity() + " " + s.uidNext());
    for (ImapMessage m : s.messages()) {
      out.add(m.uid() + " " + m.flags() + " " + m.internalDate() + " " + m.size() + " " + m.sha256());
    }
    return out;
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  private static byte[] mail(String id, String eol, String body) {
    return ("From: Sender <sender@example.org>" + eol + "To: alice@example.org" + eol + "Subject: " + id + eol
        + "Message-ID: <" + id + "@dovecot.test>" + eol + eol + body).getBytes(StandardCharsets.UTF_8);
  }
}
