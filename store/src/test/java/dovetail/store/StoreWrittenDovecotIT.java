package dovetail.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.FlagNames;
import dovetail.store.dovecot.ImapProbe;
import dovetail.store.dovecot.ImapProbe.FolderState;
import dovetail.store.dovecot.ImapProbe.ImapMessage;
import dovetail.store.dovecot.ImapProbe.ListEntry;
import dovetail.store.dovecot.MailBytes;
import dovetail.store.dovecot.Pop3Probe;
import dovetail.store.dovecot.Pop3Probe.Pop3Message;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dovecot is the judge: the store writes a user's Maildir (folders, UIDs, flags, keywords, dates, POP3 data,
 * subscriptions), then real Dovecot 2.3 serves it, and IMAP, POP3 and doveadm must show exactly what the store
 * wrote, without Dovecot repairing, rewriting or complaining about anything.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StoreWrittenDovecotIT {
  private static final String USER = "alice";

  /** One message as the store is asked to write it. */
  record Msg(long uid, Instant date, Flags flags, String pop3Uidl, long pop3Order, byte[] content) {}

  /** One folder as the store is asked to write it. */
  record FolderSpec(String name, long uidValidity, long nextUid, List<Msg> messages) {}

  private static final Flags ALL_BUT_DELETED =
      Flags.of(SystemFlag.ANSWERED, SystemFlag.FLAGGED, SystemFlag.SEEN).withKeywords("$Forwarded", "Project-X");

  static final List<FolderSpec> FOLDERS = List.of(
      new FolderSpec("INBOX", 1234567, 101, List.of(
          // O order (17, 5, 42) differs from UID order; 70 has P but no O; 100 has neither.
          new Msg(5, Instant.parse("2021-03-04T05:06:07Z"), Flags.of(SystemFlag.SEEN), "UIDL-five-0005", 2,
              mail("five", "\n", "Bare LF line ends.\nSecond line.\n")),
          new Msg(17, Instant.parse("2022-07-08T09:10:11Z"), ALL_BUT_DELETED, "000000113c8a1b2f", 1,
              mail("seventeen", "\r\n", "CRLF line ends.\r\nSecond line.\r\n")),
          new Msg(42, Instant.parse("2019-01-01T00:00:00Z"), Flags.NONE, "", 3,
              mixed("forty-two")),
          new Msg(70, Instant.parse("2020-02-29T12:00:00Z"), Flags.NONE.withKeywords("$Label1"), "legacy-70", 0,
              mail("seventy", "\n", "Keyword only.\n")),
          new Msg(100, Instant.parse("2023-12-31T23:59:58Z"),
              Flags.of(SystemFlag.DRAFT).withKeywords("Project-X"), null, 0,
              bytes("From: a@example.org\nMessage-ID: <hundred@store.test>\nSubject: hundred\n\nno newline at end")))),
      new FolderSpec("Archive/2023", 7654321, 50, List.of(
          new Msg(3, Instant.parse("2023-01-02T03:04:05Z"), Flags.of(SystemFlag.SEEN), null, 0,
              mail("archive-3", "\r\n", "old\r\n")),
          new Msg(9, Instant.parse("2023-06-07T08:09:10Z"), Flags.of(SystemFlag.DELETED, SystemFlag.SEEN), null, 0,
              mail("archive-9", "\n", "deleted but not expunged\n")))),
      new FolderSpec("Entwürfe", 1111, 8, List.of(
          new Msg(7, Instant.parse("2024-02-03T04:05:06Z"),
              Flags.of(SystemFlag.DRAFT).withKeywords("$Label1", "Entwurf"), null, 0,
              mail("entwurf-7", "\n", "Gr\u00fc\u00dfe in UTF-8\n")))),
      new FolderSpec("Projekte", 2500, 7, List.of()),
      new FolderSpec("Projekte/Bär", 2222, 3, List.of(
          new Msg(1, Instant.parse("2018-05-06T07:08:09Z"), Flags.of(SystemFlag.FLAGGED), null, 0,
              mail("baer-1", "\r\n", "one\r\n")),
          new Msg(2, Instant.parse("2018-05-06T07:08:10Z"), Flags.NONE, null, 0,
              mail("baer-2", "\n", "two\n")))),
      new FolderSpec("Tom & Jerry", 3333, 10, List.of(
          new Msg(9, Instant.parse("2017-09-09T09:09:09Z"), Flags.of(SystemFlag.ANSWERED), null, 0,
              mail("tom-9", "\n", "cat & mouse\n")))),
      new FolderSpec("Sent", 2000, 1, List.of()));

  static final Set<String> SUBSCRIBED = Set.of("INBOX", "Entwürfe", "Archive/2023", "Projekte/Bär", "Tom & Jerry");

  @TempDir static Path tmp;
  private static DovecotServer dovecot;
  private static Path maildir;
  private static Map<String, FileFact> before;

  @BeforeAll
  static void writeStoreThenStartDovecot() throws IOException {
    DovecotServer.assumeInstalled();
    Path work = tmp.resolve("dovecot");
    maildir = DovecotServer.maildir(work, USER);
    MailStore store = MaildirStore.open(maildir, StoreOptions.DEFAULT);
    for (FolderSpec f : FOLDERS) {
      Mailbox box = store.create(f.name(), f.uidValidity(), 1);
      try (MailboxTransaction tx = box.begin()) {
        for (Msg m : f.messages()) {
          tx.add(new MessageMeta(m.uid(), m.date(), m.flags(), m.pop3Uidl(), m.pop3Order()),
              new ByteArrayInputStream(m.content()));
        }
        tx.raiseNextUid(f.nextUid());
        tx.commit();
      }
    }
    for (String s : List.of("INBOX", "Entwürfe", "Archive/2023", "Projekte/Bär", "Tom & Jerry")) {
      store.setSubscribed(s, true);
    }
    // Dovetail's own per-folder state must be invisible to Dovecot.
    store.open("INBOX").writeDovetailState(Map.of("state", "migrated", "legacyUidValidity", "1234567"));
    store.open("Projekte/Bär").writeDovetailState(Map.of("state", "partial", "lastUid", "2"));

    // The store as written, before Dovecot ever saw it.
    assertEquals(SUBSCRIBED, store.subscriptions());
    assertOnDisk();
    before = snapshot(maildir);

    dovecot = DovecotServer.builder(work).user(USER, "secret").autoCreateSpecialUse(false).start();
  }

  /** A few facts about the layout the format document prescribes, so a failure below is easier to place. */
  private static void assertOnDisk() throws IOException {
    for (String dir : List.of(".Archive.2023", ".Entw&APw-rfe", ".Projekte", ".Projekte.B&AOQ-r", ".Tom &- Jerry",
        ".Sent")) {
      assertTrue(Files.isDirectory(maildir.resolve(dir).resolve("cur")), dir);
    }
    assertTrue(Files.notExists(maildir.resolve(".Archive")), "no parent directory for Archive/2023");
    String uidlist = Files.readString(maildir.resolve("dovecot-uidlist"));
    assertTrue(uidlist.startsWith("3 V1234567 N101 G"), uidlist);
  }

  @AfterAll
  static void stop() {
    if (dovecot != null) {
      dovecot.close();
    }
  }

  @Test
  @Order(1)
  void imapShowsExactlyTheStoredUidsFlagsDatesSizesAndBytes() {
    try (ImapProbe imap = ImapProbe.login(dovecot, USER)) {
      for (FolderSpec f : FOLDERS) {
        FolderState state = imap.examine(f.name());
        assertEquals(f.uidValidity(), state.uidValidity(), f.name() + " UIDVALIDITY");
        assertEquals(f.nextUid(), state.uidNext(), f.name() + " UIDNEXT");
        assertEquals(f.messages().stream().map(Msg::uid).toList(), state.uids(), f.name() + " UIDs");
        for (Msg m : f.messages()) {
          ImapMessage got = state.byUid(m.uid());
          String where = f.name() + " UID " + m.uid();
          assertEquals(FlagNames.imap(m.flags()), got.flags(), where + " flags");
          assertEquals(m.date(), got.internalDate(), where + " INTERNALDATE");
          byte[] served = MailBytes.crlf(m.content());
          assertEquals(served.length, got.size(), where + " RFC822.SIZE");
          assertEquals(MailBytes.sha256(served), got.sha256(), where + " BODY[] bytes");
        }
      }
    }
    // W != S where the file has bare LFs: both sizes are in the name and Dovecot used W without complaint.
    Msg five = FOLDERS.get(0).messages().get(0);
    assertNotEquals(five.content().length, MailBytes.virtualSize(five.content()));
  }

  @Test
  @Order(2)
  void statusMatchesTheStore() {
    MailStore store = MaildirStore.open(maildir, StoreOptions.DEFAULT);
    try (ImapProbe imap = ImapProbe.login(dovecot, USER)) {
      for (FolderSpec f : FOLDERS) {
        ImapProbe.StatusInfo s = imap.status(f.name());
        long unseen = f.messages().stream().filter(m -> !m.flags().has(SystemFlag.SEEN)).count();
        assertEquals(new ImapProbe.StatusInfo(f.messages().size(), f.nextUid(), f.uidValidity(), (int) unseen,
            s.recent()), s, f.name());
        MailboxStatus ours = store.open(f.name()).status();
        assertEquals(ours.uidValidity(), s.uidValidity(), f.name());
        assertEquals(ours.nextUid(), s.uidNext(), f.name());
        assertEquals(ours.messages(), s.messages(), f.name());
        assertEquals(ours.unseen(), s.unseen(), f.name());
      }
    }
  }

  @Test
  @Order(3)
  void listShowsEveryFolderWithHierarchyAndSpecialUse() {
    Map<String, Set<String>> expected = new TreeMap<>();
    expected.put("INBOX", Set.of("\\HasNoChildren"));
    expected.put("Archive", Set.of("\\Noselect", "\\HasChildren")); // only Archive/2023 exists on disk
    expected.put("Archive/2023", Set.of("\\HasNoChildren"));
    expected.put("Entwürfe", Set.of("\\HasNoChildren"));
    expected.put("Projekte", Set.of("\\HasChildren"));
    expected.put("Projekte/Bär", Set.of("\\HasNoChildren"));
    expected.put("Tom & Jerry", Set.of("\\HasNoChildren"));
    expected.put("Sent", Set.of("\\HasNoChildren", "\\Sent"));
    List<ListEntry> list;
    try (ImapProbe imap = ImapProbe.login(dovecot, USER)) {
      list = imap.list();
    }
    Map<String, Set<String>> got = new TreeMap<>();
    for (ListEntry e : list) {
      assertEquals('/', e.separator(), e.toString());
      assertNull(got.put(e.name(), e.lastingAttributes()), "listed twice: " + e.name());
    }
    assertEquals(expected, got);
    // ... and the store lists the same selectable folders.
    Set<String> selectable = got.entrySet().stream().filter(e -> !e.getValue().contains("\\Noselect"))
        .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(selectable, new TreeSet<>(MaildirStore.open(maildir, StoreOptions.DEFAULT).listFolders()));
  }

  @Test
  @Order(4)
  void lsubShowsExactlyTheStoredSubscriptions() {
    try (ImapProbe imap = ImapProbe.login(dovecot, USER)) {
      List<String> lsub = imap.lsub();
      assertEquals(SUBSCRIBED.size(), lsub.size(), lsub.toString());
      assertEquals(SUBSCRIBED, Set.copyOf(lsub));
    }
    assertEquals(new TreeSet<>(SUBSCRIBED), dovecot.doveadm("mailbox", "list", "-u", USER, "-s").lines()
        .collect(Collectors.toCollection(TreeSet::new)), "doveadm mailbox list -s");
  }

  @Test
  @Order(5)
  void pop3ShowsTheStoredUidlsInTheStoredOrder() {
    FolderSpec inbox = FOLDERS.get(0);
    Map<Long, Msg> byUid = new LinkedHashMap<>();
    inbox.messages().forEach(m -> byUid.put(m.uid(), m));
    StoredMessage fortyTwo = MaildirStore.open(maildir, StoreOptions.DEFAULT).open("INBOX").message(42).orElseThrow();
    assertEquals("", fortyTwo.pop3Uidl());
    List<Long> popOrder = List.of(17L, 5L, 42L, 70L, 100L);
    List<String> uidls = List.of("000000113c8a1b2f", "UIDL-five-0005", fortyTwo.baseName(), "legacy-70",
        String.format("%08x%08x", 100, 1234567)); // no P: pop3_uidl_format %08Xu%08Xv (lowercase in Dovecot)
    List<Pop3Message> expected = new ArrayList<>();
    for (int i = 0; i < popOrder.size(); i++) {
      byte[] content = byUid.get(popOrder.get(i)).content();
      byte[] served = MailBytes.crlf(content);
      // LIST is W; RETR ends every message with a line end before the terminating "." line.
      expected.add(new Pop3Message(i + 1, uidls.get(i), served.length, MailBytes.sha256(MailBytes.pop3Retr(content))));
    }
    assertEquals(expected, Pop3Probe.retrieveAll(dovecot, USER));
    assertTrue(fortyTwo.baseName().matches("[^:/]+,S=\\d+,W=\\d+"), fortyTwo.baseName());
  }

  @Test
  @Order(6)
  void doveadmSeesTheStoredGuidsAndPop3Fields() {
    MailStore store = MaildirStore.open(maildir, StoreOptions.DEFAULT);
    for (FolderSpec f : FOLDERS) {
      Mailbox box = store.open(f.name());
      List<Map<String, String>> status = dovecot.doveadmTable("mailbox", "status", "-u", USER,
          "messages uidvalidity uidnext guid", f.name());
      assertEquals(List.of(Map.of("mailbox", f.name(), "messages", Integer.toString(f.messages().size()),
          "uidvalidity", Long.toString(f.uidValidity()), "uidnext", Long.toString(f.nextUid()),
          "guid", box.status().guid())), status, f.name());
      if (f.messages().isEmpty()) {
        continue;
      }
      List<Map<String, String>> rows = dovecot.doveadmTable("fetch", "-u", USER,
          "uid date.received.unixtime size.physical size.virtual pop3.uidl pop3.order guid", "mailbox", f.name(),
          "all");
      List<Map<String, String>> expected = new ArrayList<>();
      for (StoredMessage m : box.messages()) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("uid", Long.toString(m.uid()));
        row.put("date.received.unixtime", Long.toString(m.internalDate().getEpochSecond()));
        row.put("size.physical", Long.toString(m.size()));
        row.put("size.virtual", Long.toString(m.virtualSize()));
        row.put("pop3.uidl", m.pop3Uidl() == null ? "" : m.effectivePop3Uidl());
        row.put("pop3.order", m.pop3Order() == 0 ? "" : Long.toString(m.pop3Order()));
        row.put("guid", m.guid());
        expected.add(row);
      }
      assertEquals(expected, rows, f.name());
    }
  }

  @Test
  @Order(7)
  void theStoreReadsBackWhatItWroteAfterDovecotServedIt() throws IOException {
    MailStore store = MaildirStore.open(maildir, StoreOptions.DEFAULT);
    for (FolderSpec f : FOLDERS) {
      Mailbox box = store.open(f.name());
      List<StoredMessage> messages = box.messages();
      assertEquals(f.messages().stream().map(Msg::uid).toList(), messages.stream().map(StoredMessage::uid).toList());
      for (int i = 0; i < messages.size(); i++) {
        Msg m = f.messages().get(i);
        StoredMessage s = messages.get(i);
        assertEquals(m.flags(), s.flags(), f.name() + " " + m.uid());
        assertEquals(m.date(), s.internalDate());
        assertEquals(m.content().length, s.size());
        assertEquals(MailBytes.virtualSize(m.content()), s.virtualSize());
        assertEquals(m.pop3Uidl(), s.pop3Uidl());
        assertEquals(m.pop3Order(), s.pop3Order());
        try (InputStream in = box.openContent(m.uid())) {
          assertEquals(MailBytes.sha256(m.content()), MailBytes.sha256(in.readAllBytes()));
        }
      }
    }
    assertEquals(Map.of("state", "migrated", "legacyUidValidity", "1234567"), store.open("INBOX").dovetailState());
  }

  /** Runs last: every read above (and its own) left the store's files exactly as they were. */
  @Test
  @Order(100)
  void readingChangedNoStoreFileAndDovecotLoggedNoProblem() throws IOException {
    try (ImapProbe imap = ImapProbe.login(dovecot, USER)) {
      for (FolderSpec f : FOLDERS) {
        imap.examine(f.name());
        imap.status(f.name());
      }
      imap.list();
      imap.lsub();
    }
    Pop3Probe.retrieveAll(dovecot, USER);

    Map<String, FileFact> after = snapshot(maildir);
    assertEquals(before.keySet(), after.keySet(), "the store's files (Dovecot's own index files left out)");
    List<String> changed = new ArrayList<>();
    for (Map.Entry<String, FileFact> e : before.entrySet()) {
      FileFact was = e.getValue();
      FileFact is = after.get(e.getKey());
      if (!was.sha256().equals(is.sha256())) {
        changed.add(e.getKey() + ": content changed");
      } else if (!was.sameFile(is) && !isEmptyUidlist(e.getKey(), was)) {
        // Dovecot rewrites a 0-record uidlist (identical content) because it always meets its compress rule.
        changed.add(e.getKey() + ": rewritten (" + was + " -> " + is + ")");
      }
    }
    assertEquals(List.of(), changed);
    assertEquals(List.of(), dovecot.logProblems(), dovecot.log());
  }

  /**
   * After the read-only checks: Dovecot keeps writing the store's folders as if it had written them itself.
   * New folders get the UIDVALIDITY after the store's dovecot-uidvalidity, APPEND continues at the
   * stored NEXTUID, new keywords extend the store's dovecot-keywords, and the store reads all of it back.
   */
  @Test
  @Order(200)
  void dovecotContinuesWhereTheStoreLeftOff() throws IOException {
    byte[] content = mail("after", "\r\n", "appended by Dovecot\r\n");
    // The last UIDVALIDITY the store allocated: at least every value it used, as the format document asks.
    long last = Long.parseLong(Files.readString(maildir.resolve("dovecot-uidvalidity")), 16);
    assertTrue(last >= 7654321, "dovecot-uidvalidity " + last + " is below UIDVALIDITY 7654321, which the store used");
    assertTrue(Files.exists(maildir.resolve(String.format("dovecot-uidvalidity.%08x", last))), "marker file");
    ImapProbe.Appended appended;
    ImapProbe.StatusInfo created;
    try (ImapProbe imap = ImapProbe.login(dovecot, USER)) {
      imap.create("Neu");
      created = imap.status("Neu");
      appended = imap.append("INBOX", content, List.of("\\Seen", "Fresh"), Instant.parse("2024-05-06T07:08:09Z"));
      imap.addFlags("INBOX", 17, List.of("NewKeyword"));
    }
    assertEquals(last + 1, created.uidValidity(), "Dovecot takes the next value after dovecot-uidvalidity");
    assertEquals(new ImapProbe.Appended(1234567, 101), appended);

    MailStore store = MaildirStore.open(maildir, StoreOptions.DEFAULT);
    assertTrue(store.listFolders().contains("Neu"), store.listFolders().toString());
    assertEquals(last + 1, store.open("Neu").status().uidValidity());
    Mailbox inbox = store.open("INBOX");
    assertEquals(102, inbox.status().nextUid());
    StoredMessage added = inbox.message(101).orElseThrow();
    assertEquals(Flags.of(SystemFlag.SEEN).withKeywords("Fresh"), added.flags());
    assertEquals(Instant.parse("2024-05-06T07:08:09Z"), added.internalDate());
    try (InputStream in = inbox.openContent(101)) {
      assertEquals(MailBytes.sha256(content), MailBytes.sha256(MailBytes.crlf(in.readAllBytes())));
    }
    assertEquals(ALL_BUT_DELETED.withKeywords("NewKeyword"), inbox.message(17).orElseThrow().flags());
    assertEquals(Flags.NONE.withKeywords("$Label1"), inbox.message(70).orElseThrow().flags());
    assertEquals(List.of(), dovecot.logProblems(), dovecot.log());
  }

  // ------------------------------------------------------------------------------------------------

  /** What identifies a file's state: its bytes, inode and mtime. */
  record FileFact(String sha256, Object fileKey, long mtimeNanos, byte[] content) {
    boolean sameFile(FileFact o) {
      return fileKey.equals(o.fileKey) && mtimeNanos == o.mtimeNanos;
    }

    @Override
    public String toString() {
      return "inode " + fileKey + " mtime " + mtimeNanos;
    }
  }

  private static boolean isEmptyUidlist(String path, FileFact f) {
    return path.endsWith("dovecot-uidlist")
        && new String(f.content(), StandardCharsets.US_ASCII).strip().lines().count() == 1;
  }

  /** Every file under the Maildir except Dovecot's own caches (dovecot.index*, dovecot.list.index*, ...). */
  static Map<String, FileFact> snapshot(Path root) throws IOException {
    Map<String, FileFact> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        String name = p.getFileName().toString();
        if (!Files.isRegularFile(p) || name.startsWith("dovecot.index") || name.startsWith("dovecot.list.index")
            || name.equals("dovecot.mailbox.log")) {
          continue;
        }
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        byte[] content = Files.readAllBytes(p);
        out.put(root.relativize(p).toString(), new FileFact(MailBytes.sha256(content), a.fileKey(),
            a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS), content));
      }
    }
    return out;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] mail(String id, String eol, String body) {
    return bytes(("From: Legacy <legacy@example.org>" + eol + "To: alice@example.org" + eol + "Subject: " + id + eol
        + "Message-ID: <" + id + "@store.test>" + eol + "Date: Mon, 1 Jan 2018 00:00:00 +0000" + eol + eol) + body);
  }

  /** CRLF and bare LF mixed in one message: W counts only the bare LFs. */
  private static byte[] mixed(String id) {
    return bytes("From: legacy@example.org\r\nSubject: " + id + "\nMessage-ID: <" + id + "@store.test>\r\n\r\n"
        + "crlf\r\nlf\nlast\r\n");
  }
}
