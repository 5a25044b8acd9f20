package dovetail.store.maildir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MailboxStatus;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import dovetail.store.StoreError;
import dovetail.store.StoreException;
import dovetail.store.StoreOptions;
import dovetail.store.StoredMessage;
import dovetail.store.SystemFlag;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaildirStoreTest {
  @TempDir Path root;

  private static final Instant DATE = Instant.parse("2021-03-04T05:06:07Z");

  private MailStore store() {
    return MaildirStore.open(root, StoreOptions.DEFAULT);
  }

  private static InputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static byte[] read(Mailbox box, long uid) throws IOException {
    try (InputStream in = box.openContent(uid)) {
      return in.readAllBytes();
    }
  }

  /**
   * Review 21, F6: two processes setting up one user at once (two backups) created the same folder together; both
   * wrote dovecot-uidlist.tmp and one failed with an I/O error. Now one creates it and the other is told it exists.
   */
  @Test
  void twoCreatorsOfOneFolderAtOnceMakeItOnceAndTheOtherIsToldItExists() throws Exception {
    MailStore[] stores = {store(), store()};
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 100; round++) {
        String folder = "Same" + round;
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<String>> outcomes = new ArrayList<>();
        for (MailStore s : stores) {
          outcomes.add(pool.submit(() -> {
            start.await();
            try {
              s.create(folder, 4242, 1);
              return "created";
            } catch (StoreException e) {
              return e.error() == StoreError.ALREADY_EXISTS ? "exists" : e.getMessage();
            }
          }));
        }
        List<String> seen = new ArrayList<>();
        for (Future<String> f : outcomes) {
          seen.add(f.get(30, TimeUnit.SECONDS));
        }
        assertEquals(new TreeSet<>(List.of("created", "exists")), new TreeSet<>(seen), "round " + round + ": " + seen);
        assertEquals(4242, store().open(folder).status().uidValidity());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Review 21, F6, the same two backups a step earlier: the first makes INBOX's dovecot-uidlist (the store's root has
   * none yet) under its lock, and the second, reading INBOX meanwhile, failed with "has no dovecot-uidlist yet and its
   * lock is held; try again" (exit 2). Now it waits for that lock, as a writer does, and reads what the first made.
   */
  @Test
  void aFolderWhoseUidlistAnotherProcessIsWritingIsWaitedForNotFailed() throws Exception {
    for (String sub : List.of("cur", "new", "tmp")) {
      Files.createDirectories(root.resolve(sub));
    }
    Path lock = root.resolve(FolderLock.FILE);
    Files.writeString(lock, "1:" + HostName.get()); // a live process on this host holds it: never stale
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<MailboxStatus> reader = pool.submit(() -> store().open("INBOX").status());
      Thread.sleep(300);
      assertFalse(reader.isDone(), () -> "did not wait: " + outcome(reader));
      Files.write(root.resolve("dovecot-uidlist"),
          Uidlist.format(new UidlistHeader(4711, 1, MaildirMailStore.newGuid(), List.of()), List.of()));
      Files.delete(lock); // the other process is done
      assertEquals(4711, reader.get(30, TimeUnit.SECONDS).uidValidity());
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Review 21, F6: while one backup created a folder (its uidlist written, cur/ not yet), the other opened it, took it
   * for a folder that lost cur/, and warned "cur/ is missing; recreating it" for a folder nothing had happened to. The
   * repair now waits for the folder's lock, which the creator holds until cur/ is made, and looks again.
   */
  @Test
  void aFolderThatAnotherProcessIsCreatingIsNotRepairedUnderIt() throws Exception {
    Path dir = root.resolve(".Made");
    for (String sub : List.of("tmp", "new")) {
      Files.createDirectories(dir.resolve(sub));
    }
    Files.write(dir.resolve("dovecot-uidlist"),
        Uidlist.format(new UidlistHeader(4712, 1, MaildirMailStore.newGuid(), List.of()), List.of()));
    Path lock = dir.resolve(FolderLock.FILE);
    Files.writeString(lock, "1:" + HostName.get()); // the creator, a live process on this host
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Long> opener = pool.submit(() -> store().open("Made").uidValidity());
      Thread.sleep(300);
      assertFalse(opener.isDone(), () -> "did not wait: " + outcome(opener));
      assertFalse(Files.exists(dir.resolve("cur")), "cur/ is the creator's to make");
      Files.createDirectory(dir.resolve("cur"));
      Files.delete(lock);
      assertEquals(4712, opener.get(30, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
  }

  private static String outcome(Future<?> f) {
    try {
      return String.valueOf(f.get());
    } catch (Exception e) {
      return e.toString();
    }
  }

  @Test
  void explicitUidsFlagsKeywordsDatesAndPop3FieldsRoundTrip() throws IOException {
    Mailbox box = store().create("Archive/2023", 7654321, 1);
    String body = "Subject: five\nFrom: a@b\n\nbare LF body\n";
    try (MailboxTransaction tx = box.begin()) {
      tx.add(MessageMeta.withUid(5, DATE, Flags.of(SystemFlag.SEEN)).withPop3("UIDL-five", 2), bytes(body));
      tx.add(MessageMeta.withUid(17, DATE.plusSeconds(60), Flags.of(SystemFlag.ANSWERED, SystemFlag.FLAGGED)
          .withKeywords("$Forwarded", "Project-X")).withPop3("", 1), bytes("Subject: x\r\n\r\nbody\r\n"));
      tx.raiseNextUid(50);
      List<StoredMessage> stored = tx.commit();
      assertEquals(List.of(5L, 17L), stored.stream().map(StoredMessage::uid).toList());
    }
    Mailbox again = store().open("Archive/2023");
    assertEquals(7654321, again.status().uidValidity());
    assertEquals(50, again.status().nextUid());
    StoredMessage five = again.message(5).orElseThrow();
    assertEquals(Set.of(SystemFlag.SEEN), five.flags().system());
    assertEquals(DATE, five.internalDate());
    assertEquals(body.length(), five.size());
    assertEquals(body.length() + 4, five.virtualSize());
    assertEquals("UIDL-five", five.effectivePop3Uidl());
    assertEquals(2, five.pop3Order());
    StoredMessage seventeen = again.message(17).orElseThrow();
    assertEquals(Set.of("$Forwarded", "Project-X"), seventeen.flags().keywords());
    assertEquals(seventeen.baseName(), seventeen.effectivePop3Uidl());
    assertArrayEquals(body.getBytes(StandardCharsets.ISO_8859_1), read(again, 5));

    Path dir = root.resolve(".Archive.2023");
    List<String> uidlist = Files.readAllLines(dir.resolve("dovecot-uidlist"));
    assertTrue(uidlist.get(0).matches("3 V7654321 N50 G[0-9a-f]{32}"), uidlist.get(0));
    assertTrue(uidlist.get(1).matches("5 O2 PUIDL-five :\\d+\\.M\\d+P\\d+Q\\d+\\.[^,]+,S=38,W=42"), uidlist.get(1));
    assertTrue(uidlist.get(2).matches("17 O1 P :.*"), uidlist.get(2));
    assertEquals(List.of("0 $Forwarded", "1 Project-X"), Files.readAllLines(dir.resolve("dovecot-keywords")));
    try (var files = Files.list(dir.resolve("cur"))) {
      List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
      assertTrue(names.stream().anyMatch(n -> n.endsWith(",S=38,W=42:2,S")), names.toString());
      assertTrue(names.stream().anyMatch(n -> n.endsWith(":2,FRab")), names.toString());
    }
    assertEquals(DATE.getEpochSecond(),
        Files.getLastModifiedTime(dir.resolve("cur").resolve(five.baseName() + ":2,S")).toMillis() / 1000);
    assertTrue(Files.exists(dir.resolve("maildirfolder")));
  }

  /**
   * A transaction tells whether another writer may have written the folder between its commits (a migration reads
   * the folder for foreign messages only then): another store object, as another process would be, or another
   * transaction of the same folder object; never "no" for a first commit.
   */
  @Test
  void aTransactionKnowsWhetherAnotherWriterCommittedBetweenItsCommits() {
    Mailbox box = store().create("Work", 77, 1);
    try (MailboxTransaction tx = box.begin()) {
      tx.add(MessageMeta.withUid(1, DATE, Flags.NONE), bytes("a\n"));
      tx.commit();
      assertTrue(tx.othersMayHaveWritten(), "a first commit cannot know");
      tx.add(MessageMeta.withUid(2, DATE, Flags.NONE), bytes("b\n"));
      tx.commit();
      assertFalse(tx.othersMayHaveWritten(), "nobody wrote between the two");

      store().open("Work").append(MessageMeta.next(DATE, Flags.NONE), bytes("other process\n")); // takes UID 3
      tx.add(MessageMeta.withUid(5, DATE, Flags.NONE), bytes("c\n"));
      tx.commit();
      assertTrue(tx.othersMayHaveWritten(), "another store object appended");

      tx.add(MessageMeta.withUid(6, DATE, Flags.NONE), bytes("d\n"));
      tx.commit();
      assertFalse(tx.othersMayHaveWritten());

      box.append(MessageMeta.next(DATE, Flags.NONE), bytes("same object\n")); // takes UID 7
      tx.add(MessageMeta.withUid(9, DATE, Flags.NONE), bytes("e\n"));
      tx.commit();
      assertTrue(tx.othersMayHaveWritten(), "another transaction of the same folder object appended");
    }
  }

  @Test
  void nextUidIsAssignedAfterTheHighestAndExplicitUidsBelowItAreRefused() {
    Mailbox box = store().create("Sent", 1000, 40);
    StoredMessage a = box.append(MessageMeta.next(DATE, Flags.NONE), bytes("a\n"));
    assertEquals(40, a.uid());
    StoreException e = assertThrows(StoreException.class,
        () -> box.append(MessageMeta.withUid(39, DATE, Flags.NONE), bytes("b\n")));
    assertEquals(StoreError.UID_CONFLICT, e.error());
    assertEquals(100, box.append(MessageMeta.withUid(100, DATE, Flags.NONE), bytes("c\n")).uid());
    assertEquals(101, box.append(MessageMeta.next(DATE, Flags.NONE), bytes("d\n")).uid());
    try (var tmp = Files.list(root.resolve(".Sent/tmp"))) {
      assertEquals(0, tmp.count(), "a refused message leaves nothing in tmp/");
    } catch (IOException ex) {
      throw new AssertionError(ex);
    }
  }

  @Test
  void flagsChangeByRenameAndExpungeRemovesTheRecord() throws IOException {
    Mailbox box = store().create("Work", 1, 1);
    box.append(MessageMeta.next(DATE, Flags.NONE), bytes("one\n"));
    box.append(MessageMeta.next(DATE, Flags.NONE), bytes("two\n"));
    StoredMessage changed = box.setFlags(1, Flags.of(SystemFlag.DELETED, SystemFlag.SEEN).withKeywords("Later"));
    assertEquals(Set.of(SystemFlag.DELETED, SystemFlag.SEEN), changed.flags().system());
    assertEquals(Set.of("Later"), changed.flags().keywords());
    assertArrayEquals("one\n".getBytes(), read(box, 1));
    box.expunge(List.of(1L));
    assertEquals(List.of(2L), box.messages().stream().map(StoredMessage::uid).toList());
    assertEquals(3, store().open("Work").status().nextUid(), "an expunged UID is never reused");
    List<String> lines = Files.readAllLines(root.resolve(".Work/dovecot-uidlist"));
    assertEquals(2, lines.size());
    assertTrue(lines.get(0).contains(" N3 "), lines.get(0));
  }

  @Test
  void folderNamesUseModifiedUtf7AndMaildirPlusPlusDirectories() {
    MailStore s = store();
    s.create("Entwürfe");
    s.create("Projekte/Bär");
    s.create("Tom & Jerry");
    assertTrue(Files.isDirectory(root.resolve(".Entw&APw-rfe/cur")));
    assertTrue(Files.isDirectory(root.resolve(".Projekte.B&AOQ-r/cur")));
    assertTrue(Files.isDirectory(root.resolve(".Tom &- Jerry/cur")));
    assertEquals(List.of("INBOX", "Entwürfe", "Projekte/Bär", "Tom & Jerry"), store().listFolders());
    assertThrows(StoreException.class, () -> s.create("a.b"));
    assertThrows(StoreException.class, () -> s.create("a//b"));
    assertEquals(StoreError.ALREADY_EXISTS, assertThrows(StoreException.class, () -> s.create("Entwürfe")).error());
  }

  /** ".new" is the folder new, beside the root's new/ (Dovecot lists it, mailbox-list-maildir-iter.c). */
  @Test
  void foldersNamedLikeMaildirSubdirectoriesAreListed() throws IOException {
    MailStore s = store();
    for (String name : List.of("new", "tmp", "cur", "Work/new")) {
      s.create(name).append(MessageMeta.next(DATE, Flags.NONE), bytes(name + "\n"));
    }
    assertTrue(Files.isDirectory(root.resolve(".new/cur")));
    assertTrue(Files.isDirectory(root.resolve(".Work.new/cur")));
    assertEquals(List.of("INBOX", "Work/new", "cur", "new", "tmp"), store().listFolders());
    assertEquals(List.of(), store().open("INBOX").messages(), "the root's new/ and tmp/ stay INBOX's own");
    assertArrayEquals("tmp\n".getBytes(), read(store().open("tmp"), 1));
  }

  @Test
  void subscriptionsAreWrittenInVersion2Format() throws IOException {
    MailStore s = store();
    s.setSubscribed("INBOX", true);
    s.setSubscribed("Archive/2023", true);
    s.setSubscribed("Entwürfe", true);
    assertEquals("V\t2\n\nINBOX\nArchive\t2023\nEntw&APw-rfe\n", Files.readString(root.resolve("subscriptions")));
    s.setSubscribed("Archive/2023", false);
    assertEquals(Set.of("INBOX", "Entwürfe"), store().subscriptions());
  }

  /**
   * Two sessions of one user in this JVM (one store instance or two) subscribe at once: both read-modify-write the
   * file and share subscriptions.tmp, and the dotlock alone cannot tell them apart (it holds the same pid).
   */
  @Test
  void concurrentSubscribesInOneJvmAreAllKept() throws Exception {
    MailStore[] stores = {store(), store(), store()};
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 20; round++) {
        CyclicBarrier start = new CyclicBarrier(threads);
        Set<String> expected = new TreeSet<>();
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          // Threads share an instance, and instances share the directory, as James sessions would.
          MailStore s = stores[i % stores.length];
          String folder = "R" + round + "/F" + i;
          expected.add(folder);
          done.add(pool.submit(() -> {
            start.await();
            s.setSubscribed(folder, true);
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get(60, TimeUnit.SECONDS);
        }
        Set<String> subscribed = new TreeSet<>(store().subscriptions());
        assertTrue(subscribed.containsAll(expected), "round " + round + ": " + subscribed);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void renameMovesChildrenAndDeleteKeepsThem() {
    MailStore s = store();
    s.create("A");
    s.create("A/B");
    s.open("A").append(MessageMeta.next(DATE, Flags.NONE), bytes("x\n"));
    s.rename("A", "Z");
    assertEquals(List.of("INBOX", "Z", "Z/B"), s.listFolders());
    assertEquals(1, s.open("Z").messages().size());
    s.delete("Z");
    assertEquals(List.of("INBOX", "Z/B"), s.listFolders());
  }

  /** '[', ']', '{', '?', '*' and '\' survive modified UTF-7, so children are found by name prefix, not by a glob. */
  @Test
  void renameOfANameWithGlobCharactersMovesItsChildrenAndNoOtherFolder() {
    MailStore s = store();
    s.create("[Gmail]");
    s.create("[Gmail]/Sent");
    s.create("a/b");
    s.rename("[Gmail]", "Old");
    assertEquals(List.of("INBOX", "Old", "Old/Sent", "a/b"), s.listFolders());
    s.create("{x");
    s.create("{x/y");
    s.rename("{x", "New");
    assertEquals(List.of("INBOX", "New", "New/y", "Old", "Old/Sent", "a/b"), s.listFolders());
  }

  @Test
  void renameUnderItselfIsRefusedAndChangesNothing() {
    MailStore s = store();
    s.create("Q").append(MessageMeta.next(DATE, Flags.NONE), bytes("q\n"));
    s.create("Q/C");
    for (String to : List.of("Q/R", "Q/C/D")) {
      assertEquals(StoreError.INVALID_NAME, assertThrows(StoreException.class, () -> s.rename("Q", to)).error(), to);
    }
    assertEquals(List.of("INBOX", "Q", "Q/C"), store().listFolders());
    assertEquals(1, store().open("Q").status().messages());
    s.rename("Q", "QR"); // a longer name is no child
    assertEquals(List.of("INBOX", "QR", "QR/C"), store().listFolders());
  }

  @Test
  void uidValidityFileKeepsTheHighestValueUsed() throws IOException {
    MailStore s = store();
    s.create("X", 0x74cbb1, 1);
    assertEquals("0074cbb1", Files.readString(root.resolve("dovecot-uidvalidity")));
    assertTrue(Files.exists(root.resolve("dovecot-uidvalidity.0074cbb1")));
    Mailbox y = s.create("Y");
    assertEquals(0x74cbb2, y.status().uidValidity());
    assertEquals("0074cbb2", Files.readString(root.resolve("dovecot-uidvalidity")));
    assertFalse(Files.exists(root.resolve("dovecot-uidvalidity.0074cbb1")));
  }

  @Test
  void inboxTakesAnExplicitUidValidityWhileEmpty() {
    MailStore s = store();
    Mailbox inbox = s.create("INBOX", 1234567, 1);
    assertEquals(1234567, inbox.status().uidValidity());
    inbox.append(MessageMeta.withUid(5, DATE, Flags.NONE), bytes("x\n"));
    assertEquals(StoreError.ALREADY_EXISTS, assertThrows(StoreException.class, () -> s.create("INBOX", 1, 1)).error());
  }

  @Test
  void anEmptyFolderTakesAnotherUidValidityStartingItsUidsAgainAndKeepingItsGuid() throws IOException {
    Mailbox box = store().create("S", 9, 40);
    String guid = box.status().guid();
    box.replaceUidValidityOfEmpty(0x7654321);
    MailboxStatus after = store().open("S").status();
    assertEquals(0x7654321, after.uidValidity());
    assertEquals(1, after.nextUid(), "UIDs start again under the new value");
    assertEquals(guid, after.guid());
    // Dovecot gives the next folder it creates a higher value than any in use.
    assertEquals("07654321", Files.readString(root.resolve("dovecot-uidvalidity")));
    box.append(MessageMeta.withUid(41, DATE, Flags.NONE), bytes("x\n"));
    assertEquals(StoreError.UID_CONFLICT,
        assertThrows(StoreException.class, () -> box.replaceUidValidityOfEmpty(5)).error());
    assertEquals(0x7654321, store().open("S").status().uidValidity());
  }

  @Test
  void aSecondMigrationHoldWaitsForTheFirstAndIsToldOnce() throws Exception {
    Mailbox box = store().create("S", 9, 1);
    java.util.concurrent.atomic.AtomicInteger told = new java.util.concurrent.atomic.AtomicInteger();
    Mailbox.Hold first = box.holdForMigration(() -> told.addAndGet(100));
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<?> second = pool.submit(() -> {
        try (Mailbox.Hold held = store().open("S").holdForMigration(told::incrementAndGet)) {
          return null;
        }
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (told.get() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(1, told.get(), "the second is told it waits; the first was not");
      Thread.sleep(300);
      assertFalse(second.isDone(), "it waits while the first holds the folder");
      first.close();
      second.get(10, TimeUnit.SECONDS);
      assertEquals(1, told.get());
      assertTrue(Files.exists(root.resolve(".S/dovetail-migration.lock")));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void dovetailStateRoundTrips() {
    Mailbox box = store().create("S", 9, 1);
    assertEquals(Map.of(), box.dovetailState());
    box.writeDovetailState(Map.of("state", "pending", "legacy.uidvalidity", "9"));
    assertEquals(Map.of("state", "pending", "legacy.uidvalidity", "9"), store().open("S").dovetailState());
  }

  @Test
  void asRootNewFilesTakeTheOwnerOfTheMaildirRoot() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0, "needs root to change owners (CI runs as root)");
    Path home = root.resolve("home");
    Files.createDirectories(home);
    Files.setAttribute(home, "unix:uid", 65534);
    Files.setAttribute(home, "unix:gid", 65534);
    MailStore s = MaildirStore.open(home.resolve("Maildir"), StoreOptions.DEFAULT);
    Mailbox box = s.create("Owned", 5, 1);
    box.append(MessageMeta.next(DATE, Flags.NONE.withKeywords("K")), bytes("x\n"));
    s.setSubscribed("Owned", true);
    try (var walk = Files.walk(home.resolve("Maildir"))) {
      for (Path p : walk.toList()) {
        assertEquals(65534, Files.getAttribute(p, "unix:uid"), p.toString());
        assertEquals(65534, Files.getAttribute(p, "unix:gid"), p.toString());
      }
    }
  }

  @Test
  void readingAnUnchangedFolderDoesNotRebuildItsView() {
    Mailbox box = store().create("Plain", 3, 1);
    for (int i = 0; i < 3; i++) {
      box.append(MessageMeta.next(DATE, Flags.NONE), bytes("m" + i + "\n"));
    }
    box.messages();
    MaildirSync sync = ((MaildirFolder) box).sync();
    int before = sync.fullRebuilds();
    for (int i = 0; i < 20; i++) {
      box.messages();
      box.status();
    }
    assertEquals(before, sync.fullRebuilds(), "no dovecot-keywords file must not count as a change on every read");
  }

  @Test
  void commitsAfterOurOwnNeitherListTheDirectoriesNorRebuildTheView() throws IOException {
    Mailbox box = store().create("Busy", 3, 1);
    box.append(MessageMeta.withUid(1, DATE, Flags.NONE.withKeywords("$Forwarded")), bytes("m1\r\n"));
    // The second commit reads the dovecot-keywords that the first one created (a real change, once).
    box.append(MessageMeta.withUid(2, DATE.plusSeconds(2), Flags.of(SystemFlag.SEEN).withKeywords("$Forwarded")),
        bytes("m2\r\n"));
    MaildirSync sync = ((MaildirFolder) box).sync();
    int listings = sync.directoryListings();
    int rebuilds = sync.fullRebuilds();
    for (long uid = 3; uid <= 30; uid++) {
      try (MailboxTransaction tx = box.begin()) {
        tx.add(MessageMeta.withUid(uid, DATE.plusSeconds(uid), Flags.of(SystemFlag.SEEN).withKeywords("$Forwarded")),
            bytes("m" + uid + "\r\n"));
        assertEquals(List.of(uid), tx.commit().stream().map(StoredMessage::uid).toList());
      }
    }
    // Listing cur/ on each commit would make a folder's migration quadratic in its size.
    assertEquals(listings, sync.directoryListings(), "a commit after our own commit must not list cur/ and new/");
    assertEquals(rebuilds, sync.fullRebuilds(), "a commit must not rebuild the folder's whole view");
    Mailbox again = store().open("Busy");
    assertEquals(30, again.messages().size());
    for (long uid = 1; uid <= 30; uid++) {
      StoredMessage m = again.message(uid).orElseThrow();
      assertEquals(Set.of("$Forwarded"), m.flags().keywords());
      assertEquals(DATE.plusSeconds(uid == 1 ? 0 : uid), m.internalDate());
      assertArrayEquals(("m" + uid + "\r\n").getBytes(StandardCharsets.US_ASCII), read(again, uid));
    }

    // The view is built when read: a writer that does not read it (a migration) pays nothing for it.
    assertEquals(30, box.messages().size());
    int entries = sync.entriesBuilt();
    try (MailboxTransaction tx = box.begin()) {
      for (long uid = 31; uid <= 40; uid++) {
        tx.add(MessageMeta.withUid(uid, DATE.plusSeconds(uid), Flags.NONE), bytes("m" + uid + "\r\n"));
      }
      List<StoredMessage> committed = tx.commit();
      assertEquals(entries, sync.entriesBuilt(), "a commit must not build view entries");
      assertEquals(box.messages().subList(30, 40), committed, "the commit's messages are what a reader sees");
      assertEquals(entries + 10, sync.entriesBuilt(), "reading the view builds the committed messages' entries once");
    }
  }

  @Test
  void aCommitAfterAnotherWritersCrashedCommitSettlesItFirst() throws IOException {
    Mailbox box = store().create("Shared", 3, 1);
    box.append(MessageMeta.withUid(1, DATE, Flags.NONE), bytes("ours 1\r\n"));
    // Another writer appended UID 2 and was killed before moving its file from tmp/ into cur/.
    Path dir = root.resolve(".Shared");
    Files.writeString(dir.resolve("tmp").resolve("1600000000.M1P99.other"), "theirs\r\n");
    Files.writeString(dir.resolve("dovecot-uidlist"), "2 :1600000000.M1P99.other,S=8,W=8\n",
        java.nio.file.StandardOpenOption.APPEND);
    // Our next commit must see that change (and undo that commit), not trust what it knew after its own.
    box.append(MessageMeta.withUid(2, DATE, Flags.NONE), bytes("ours 2\r\n"));
    Mailbox again = store().open("Shared");
    assertEquals(List.of(1L, 2L), again.messages().stream().map(StoredMessage::uid).toList());
    assertArrayEquals("ours 2\r\n".getBytes(StandardCharsets.US_ASCII), read(again, 2));
    assertFalse(Files.exists(dir.resolve("tmp").resolve("1600000000.M1P99.other")));
    long records = Files.readAllLines(dir.resolve("dovecot-uidlist")).stream().filter(l -> l.startsWith("2 ")).count();
    assertEquals(1, records, "UID 2 must be recorded exactly once");
  }

  /**
   * Dovecot rereads dovecot-keywords only when its mtime (whole seconds) differs from the one it read, and writes
   * back what it holds otherwise: a rewrite within the same second must still move the mtime on, as Dovecot's own
   * does. Without it a Dovecot session overwrote a keyword of ours with "unknown-1" (ConcurrentWritersDovecotIT).
   */
  @Test
  void everyRewriteOfTheKeywordsFileMovesItsMtimeOn() throws IOException {
    Mailbox box = store().create("Kw", 3, 1);
    box.append(MessageMeta.withUid(1, DATE, Flags.NONE.withKeywords("Alpha")), bytes("m1\r\n"));
    Path keywords = root.resolve(".Kw").resolve(MaildirKeywords.FILE);
    long readAt = Instant.now().plusSeconds(100).getEpochSecond(); // as if last written (and read) in a later second
    Files.setLastModifiedTime(keywords, java.nio.file.attribute.FileTime.from(readAt, java.util.concurrent.TimeUnit.SECONDS));
    box.append(MessageMeta.withUid(2, DATE, Flags.NONE.withKeywords("Beta")), bytes("m2\r\n"));
    assertEquals(List.of("0 Alpha", "1 Beta"), Files.readAllLines(keywords));
    assertEquals(readAt + 1, Files.getLastModifiedTime(keywords).to(java.util.concurrent.TimeUnit.SECONDS));
  }

  /**
   * A refused keyword must not keep the last letter in memory: a later change with only that keyword would then
   * name the letter in the filename without writing it to dovecot-keywords, and Dovecot would show unknown-25.
   */
  @Test
  void aKeywordRefusedOverTheLimitTakesNoLetterAndAfterwardsAloneIsWrittenToTheKeywordsFile() throws IOException {
    Mailbox box = store().create("Full", 3, 1);
    String[] first25 = new String[MaildirKeywords.MAX - 1];
    for (int i = 0; i < first25.length; i++) {
      first25[i] = "K" + i;
    }
    box.append(MessageMeta.withUid(1, DATE, Flags.NONE.withKeywords(first25)), bytes("m\r\n"));
    Path keywords = root.resolve(".Full").resolve(MaildirKeywords.FILE);
    // Written long ago, so that the folder does not read the file again before each change.
    Files.setLastModifiedTime(keywords, java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(10)));
    box.messages();

    StoreException e = assertThrows(StoreException.class,
        () -> box.setFlags(1, Flags.NONE.withKeywords("Extra1", "Extra2")));
    assertEquals(StoreError.KEYWORD_LIMIT, e.error());
    box.setFlags(1, Flags.NONE.withKeywords("Extra1"));

    assertEquals(Set.of("Extra1"), store().open("Full").message(1).orElseThrow().flags().keywords());
    assertEquals("25 Extra1", Files.readAllLines(keywords).get(MaildirKeywords.MAX - 1));
  }

  @Test
  void anUnchangedKeywordsFileReadAgainKeepsTheViewAndAChangedOneUpdatesTheFlags() throws IOException {
    Mailbox box = store().create("Tags", 3, 1);
    box.append(MessageMeta.withUid(1, DATE, Flags.NONE.withKeywords("Alpha")), bytes("m\r\n"));
    box.messages();
    MaildirSync sync = ((MaildirFolder) box).sync();
    int rebuilds = sync.fullRebuilds();
    Path keywords = root.resolve(".Tags").resolve(MaildirKeywords.FILE);
    for (int i = 0; i < 5; i++) {
      // A fresh mtime forces a reread (it may hide a change in the same clock tick).
      Files.setLastModifiedTime(keywords, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(i + 1)));
      assertEquals(Set.of("Alpha"), box.message(1).orElseThrow().flags().keywords());
    }
    assertEquals(rebuilds, sync.fullRebuilds(), "rereading an unchanged dovecot-keywords must not rebuild the view");
    Files.writeString(keywords, "0 Beta\n");
    Files.setLastModifiedTime(keywords, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(10)));
    assertEquals(Set.of("Beta"), box.message(1).orElseThrow().flags().keywords());
  }

  @Test
  void readsBetweenOurOwnFlagChangesListTheDirectoriesAtMostOncePerSecond() {
    Mailbox box = store().create("Flagged", 3, 1);
    for (long uid = 1; uid <= 3; uid++) {
      box.append(MessageMeta.withUid(uid, DATE, Flags.NONE), bytes("m" + uid + "\r\n"));
    }
    box.messages();
    MaildirSync sync = ((MaildirFolder) box).sync();
    int listings = sync.directoryListings();
    long start = System.nanoTime();
    for (int i = 0; i < 40; i++) {
      long uid = 1 + i % 3;
      box.setFlags(uid, i % 2 == 0 ? Flags.of(SystemFlag.FLAGGED) : Flags.NONE);
      assertEquals(i % 2 == 0, box.message(uid).orElseThrow().flags().has(SystemFlag.FLAGGED));
      box.messages();
    }
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    // Our renames keep cur/ dirty; only the once-a-second recheck (and the 10 s full scan) may list it.
    assertTrue(sync.directoryListings() - listings <= 2 + seconds,
        (sync.directoryListings() - listings) + " listings in " + seconds + " s for 40 reads after our own renames");
  }

  @Test
  void anotherWritersRenameIsSeenByTheNextReadWhenItMovedTheMtime() throws IOException {
    Mailbox box = store().create("Shared", 3, 1);
    box.append(MessageMeta.withUid(1, DATE, Flags.NONE), bytes("m1\r\n"));
    box.setFlags(1, Flags.of(SystemFlag.SEEN));
    assertEquals(Flags.of(SystemFlag.SEEN), box.message(1).orElseThrow().flags());
    Path cur = root.resolve(".Shared/cur");
    Path file;
    try (var files = Files.list(cur)) {
      file = files.findFirst().orElseThrow();
    }
    // A lockless writer (Dovecot) adds \Flagged by renaming; its mtime is not the one our rename left.
    Files.move(file, cur.resolve(file.getFileName().toString().replace(":2,S", ":2,FS")));
    Files.setLastModifiedTime(cur, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(5)));
    assertEquals(Flags.of(SystemFlag.FLAGGED, SystemFlag.SEEN), box.message(1).orElseThrow().flags());
  }

  @Test
  void expungeDeletesAFileThatAnotherWriterRenamedWithoutMovingTheMtime() throws IOException {
    Mailbox box = messageRenamedByAnotherWriterSinceOurListing();
    box.expunge(List.of(1L));
    assertEquals(List.of(), box.messages());
    try (var files = Files.list(root.resolve(".Shared/cur"))) {
      assertEquals(List.of(), files.toList(), "the renamed file is deleted");
    }
    assertEquals(List.of(), store().open("Shared").messages());
  }

  @Test
  void aFlagChangeRenamesAFileThatAnotherWriterRenamedWithoutMovingTheMtime() throws IOException {
    Mailbox box = messageRenamedByAnotherWriterSinceOurListing();
    assertEquals(Flags.of(SystemFlag.FLAGGED), box.setFlags(1, Flags.of(SystemFlag.FLAGGED)).flags());
    try (var files = Files.list(root.resolve(".Shared/cur"))) {
      assertEquals(1, files.filter(f -> f.getFileName().toString().endsWith(":2,F")).count());
    }
  }

  /** A flag change applies to the flags on disk, not to our older listing's: Dovecot's \Seen stays. */
  @Test
  void aFlagChangeKeepsWhatAnotherWriterChangedSinceOurListing() throws IOException {
    Mailbox box = messageRenamedByAnotherWriterSinceOurListing();
    assertEquals(Flags.NONE, box.messages().get(0).flags(), "our listing has not seen the rename");
    Mailbox.FlagChange change = box.changeFlags(1, now -> now.with(SystemFlag.FLAGGED));
    assertEquals(Flags.of(SystemFlag.SEEN), change.before());
    assertEquals(Flags.of(SystemFlag.FLAGGED, SystemFlag.SEEN), change.after().flags());
    assertTrue(change.changed());
    assertEquals(Flags.of(SystemFlag.FLAGGED, SystemFlag.SEEN), store().open("Shared").message(1).orElseThrow().flags());
    assertFalse(box.changeFlags(1, now -> now.with(SystemFlag.SEEN)).changed());
  }

  /**
   * Many messages under one lock (a STORE of a range): each change is reported as it is made, and a message another
   * writer removed since the caller's listing is skipped, not an error for the others.
   */
  @Test
  void aFlagChangeOfManyMessagesSkipsOneAnotherWriterRemoved() throws IOException {
    Mailbox box = store().create("Range", 3, 1);
    for (long uid = 1; uid <= 3; uid++) {
      box.append(MessageMeta.withUid(uid, DATE, uid == 3 ? Flags.of(SystemFlag.SEEN) : Flags.NONE),
          bytes("m" + uid + "\r\n"));
    }
    assertEquals(3, box.messages().size());
    try (var files = Files.list(root.resolve(".Range/cur"))) { // expunged the way Dovecot does: the file goes first
      Files.delete(files.filter(f -> contentIs(f, "m2\r\n")).findFirst().orElseThrow());
    }
    List<Mailbox.FlagChange> made = new ArrayList<>();
    box.changeFlags(List.of(1L, 2L, 3L), now -> now.with(SystemFlag.SEEN), made::add);
    assertEquals(List.of(1L, 3L), made.stream().map(c -> c.after().uid()).toList());
    assertEquals(List.of(true, false), made.stream().map(Mailbox.FlagChange::changed).toList());
    Mailbox again = store().open("Range");
    assertEquals(List.of(1L, 3L), again.messages().stream().map(StoredMessage::uid).toList());
    assertTrue(again.messages().stream().allMatch(m -> m.flags().has(SystemFlag.SEEN)));
  }

  private static boolean contentIs(Path file, String content) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII).equals(content);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * UID 1, which a lockless writer (Dovecot) renamed to set \Seen after our last listing, in the mtime tick that
   * listing saw: our listing still names the old file.
   */
  private Mailbox messageRenamedByAnotherWriterSinceOurListing() throws IOException {
    Mailbox box = store().create("Shared", 3, 1);
    box.append(MessageMeta.withUid(1, DATE, Flags.NONE), bytes("m1\r\n"));
    Path cur = root.resolve(".Shared/cur");
    // An old mtime: the read below lists cur/ and does not take it as dirty, so nothing lists it again soon.
    java.nio.file.attribute.FileTime listed = java.nio.file.attribute.FileTime.from(DATE);
    Files.setLastModifiedTime(cur, listed);
    assertEquals(Flags.NONE, box.message(1).orElseThrow().flags());
    Path file;
    try (var files = Files.list(cur)) {
      file = files.findFirst().orElseThrow();
    }
    Files.move(file, cur.resolve(file.getFileName().toString().replace(":2,", ":2,S")));
    Files.setLastModifiedTime(cur, listed);
    return box;
  }

  @Test
  void uidValidityReadsTheUidlistHeaderWithoutListingTheFolder() {
    Mailbox box = store().create("Valid", 4242, 1);
    box.append(MessageMeta.withUid(1, DATE, Flags.NONE), bytes("m1\r\n"));
    box.messages();
    MaildirSync sync = ((MaildirFolder) box).sync();
    int listings = sync.directoryListings();
    assertEquals(4242, box.uidValidity());
    assertEquals(listings, sync.directoryListings());
    assertEquals(box.status().uidValidity(), store().open("Valid").uidValidity());
  }

  /**
   * Whatever the store keeps of folders nobody uses, a folder in use is the one every open returns (its view, its
   * pending state), and a folder opened afresh, after a store forgot it, shows what was committed.
   */
  @Test
  void aFolderInUseIsTheOneEveryOpenReturnsAndAFreshOneSeesTheCommits() throws IOException {
    for (StoreOptions.KeepFolders keep : StoreOptions.KeepFolders.values()) {
      Path dir = root.resolve(keep.name());
      MailStore store = MaildirStore.open(dir, StoreOptions.DEFAULT.withKeepFolders(keep));
      Mailbox inUse = store.create("Work", 4242, 1);
      try (MailboxTransaction tx = inUse.begin()) {
        tx.add(MessageMeta.withUid(3, DATE, Flags.NONE), bytes("Subject: three\r\n\r\nx\r\n"));
        tx.commit();
      }
      System.gc();
      assertTrue(inUse == store.open("Work"), keep + ": the folder in use");
      inUse = null;
      System.gc();
      Mailbox again = MaildirStore.open(dir, StoreOptions.DEFAULT.withKeepFolders(keep)).open("Work");
      assertEquals(List.of(3L), again.messages().stream().map(StoredMessage::uid).toList(), keep.name());
      assertArrayEquals("Subject: three\r\n\r\nx\r\n".getBytes(StandardCharsets.ISO_8859_1), read(again, 3));
      assertEquals(4242, store.open("Work").status().uidValidity(), keep.name());
    }
  }

  /**
   * A writer takes the records of its own commits as written without reading them back: what it then sees, and
   * where it continues reading when another writer appends, must be what a fresh reader of the files sees.
   */
  @Test
  void ownCommitsAreSeenAsAFreshReaderSeesThemAndReadingGoesOnFromTheirEnd() {
    Mailbox writer = store().create("Own", 999, 1);
    for (int commit = 0; commit < 3; commit++) {
      long first = 1 + 10 * commit;
      try (MailboxTransaction tx = writer.begin()) {
        tx.add(MessageMeta.withUid(first, DATE, Flags.of(SystemFlag.SEEN)).withPop3("UIDL-" + first, commit + 1),
            bytes("Subject: a\n\nbody\n"));
        tx.add(MessageMeta.withUid(first + 1, DATE.plusSeconds(1), Flags.NONE.withKeywords("Later")).withPop3("", 0),
            bytes("Subject: b\r\n\r\nbody\r\n"));
        tx.add(MessageMeta.withUid(first + 4, DATE.plusSeconds(2), Flags.NONE), bytes("Subject: c\r\n\r\n"));
        tx.commit();
      }
    }
    assertEquals(store().open("Own").messages(), writer.messages(), "the writer's view is the files' view");

    Mailbox other = store().open("Own");
    other.append(MessageMeta.next(DATE, Flags.NONE), bytes("Subject: from another writer\r\n\r\n"));
    List<StoredMessage> seen = writer.messages();
    assertEquals(store().open("Own").messages(), seen, "another writer's record is read from where ours ended");
    assertEquals(10, seen.size());
    assertEquals("UIDL-1", seen.get(0).pop3Uidl());
    assertEquals(26, seen.get(9).uid());
    assertEquals("", seen.get(1).pop3Uidl());

    // Raising NEXTUID rewrites the uidlist; the writer takes its own rewrite as read, and reading goes on from its end.
    MaildirSync sync = ((MaildirFolder) writer).sync();
    int rebuilds = sync.fullRebuilds();
    writer.raiseNextUid(100);
    assertEquals(rebuilds, sync.fullRebuilds(), "raising NEXTUID must not read back and rebuild the folder");
    assertEquals(100, writer.status().nextUid());
    assertEquals(store().open("Own").status(), writer.status(), "the writer's header is the file's");
    other.append(MessageMeta.next(DATE, Flags.NONE), bytes("Subject: after the rewrite\r\n\r\n"));
    List<StoredMessage> afterRewrite = writer.messages();
    assertEquals(store().open("Own").messages(), afterRewrite, "a record appended after our rewrite is read from its end");
    assertEquals(11, afterRewrite.size());
    assertEquals(100, afterRewrite.get(10).uid());
  }
}
