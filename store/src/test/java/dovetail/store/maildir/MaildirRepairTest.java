package dovetail.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoreError;
import dovetail.store.StoreException;
import dovetail.store.StoreOptions;
import dovetail.store.StoredMessage;
import dovetail.store.SystemFlag;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged or foreign stores: each case gets a clear error or the documented repair, never a silent renumbering. */
class MaildirRepairTest {
  @TempDir Path root;
  private Path folder;

  @BeforeEach
  void folderWithTwoMessages() throws IOException {
    folder = root.resolve(".F");
    for (String sub : new String[] {"cur", "new", "tmp"}) {
      Files.createDirectories(folder.resolve(sub));
    }
    message("cur/100.M1P1.h,S=6,W=7:2,S", "one\r\n");
    message("cur/200.M2P1.h,S=6,W=7:2,", "two\r\n");
  }

  private void message(String rel, String content) throws IOException {
    Files.writeString(folder.resolve(rel), content);
    Files.setLastModifiedTime(folder.resolve(rel), FileTime.fromMillis(1_500_000_000_000L));
  }

  private void uidlist(String text) throws IOException {
    Files.writeString(folder.resolve("dovecot-uidlist"), text);
  }

  private Mailbox open() {
    MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT);
    return store.open("F");
  }

  private List<Long> uids(Mailbox box) {
    return box.messages().stream().map(StoredMessage::uid).toList();
  }

  @Test
  void linesAppendedByDovecotAreReadWithAStaleHeaderN() throws IOException {
    Path second = folder.resolve("cur/200.M2P1.h,S=6,W=7:2,");
    Path aside = root.resolve("aside");
    Files.move(second, aside);
    uidlist("3 V7 N5 G0123456789abcdef0123456789abcdef\n5 :100.M1P1.h,S=6,W=7\n");
    Mailbox box = open();
    assertEquals(List.of(5L), uids(box));
    // What Dovecot's save does: the file into cur/, then one record appended (same inode, header untouched).
    Files.move(aside, second);
    Files.writeString(folder.resolve("dovecot-uidlist"), "9 :200.M2P1.h,S=6,W=7\n", java.nio.file.StandardOpenOption.APPEND);
    assertEquals(List.of(5L, 9L), uids(box));
    assertEquals(10, box.status().nextUid(), "next UID = max(N, last + 1)");
  }

  @Test
  void aCorruptHeaderIsAClearErrorAndTheFileIsLeftAlone() throws IOException {
    String broken = "3 V0 N5 G0123456789abcdef0123456789abcdef\n5 :100.M1P1.h,S=6,W=7\n";
    uidlist(broken);
    StoreException e = assertThrows(StoreException.class, () -> open().messages());
    assertEquals(StoreError.CORRUPT, e.error());
    assertTrue(e.getMessage().contains("dovecot-uidlist: line 1: UIDVALIDITY (V) is missing or zero"), e.getMessage());
    assertEquals(broken, Files.readString(folder.resolve("dovecot-uidlist")));
  }

  @Test
  void aDuplicateUidIsAClearErrorNotARenumbering() throws IOException {
    String dup = "3 V7 N5 G0123456789abcdef0123456789abcdef\n5 :100.M1P1.h,S=6,W=7\n5 :200.M2P1.h,S=6,W=7\n";
    uidlist(dup);
    StoreException e = assertThrows(StoreException.class, () -> open().messages());
    assertEquals(StoreError.CORRUPT, e.error());
    assertTrue(e.getMessage().contains("line 3: UIDs are not strictly increasing (5 after 5)"), e.getMessage());
    assertEquals(dup, Files.readString(folder.resolve("dovecot-uidlist")));
  }

  @Test
  void aTruncatedLastRecordThatIsWholeButForItsLfIsKept() throws IOException {
    uidlist("3 V7 N5 G0123456789abcdef0123456789abcdef\n5 :100.M1P1.h,S=6,W=7\n9 :200.M2P1.h,S=6,W=7");
    assertEquals(List.of(5L, 9L), uids(open()));
    assertTrue(Files.readString(folder.resolve("dovecot-uidlist")).endsWith("9 :200.M2P1.h,S=6,W=7\n"));
  }

  @Test
  void aCutLastRecordIsDroppedAndItsFileGetsTheNextUidAsDovecotWouldGiveIt() throws IOException {
    uidlist("3 V7 N20 G0123456789abcdef0123456789abcdef\n5 :100.M1P1.h,S=6,W=7\n9 :200.M2P1");
    assertEquals(List.of(5L, 20L), uids(open()));
    List<String> lines = Files.readAllLines(folder.resolve("dovecot-uidlist"));
    assertEquals(List.of("5 :100.M1P1.h,S=6,W=7", "20 :200.M2P1.h,S=6,W=7"), lines.subList(1, 3));
  }

  @Test
  void aCommitKilledBetweenItsUidlistAppendAndItsRenamesIsUndoneAndItsUidsAreNotUsed() throws IOException {
    assertInterruptedCommitIsUndone("8 :500.M5P1Q3.h,S=6,W=7\n");
  }

  /** The same commit's append cut part-way (kill -9 between pages, or a short write on a full disk). */
  @Test
  void aCommitKilledInTheMiddleOfItsUidlistAppendIsUndoneAndItsUidsAreNotUsed() throws IOException {
    assertInterruptedCommitIsUndone("8 :500.M5P1Q3.h,S=");
  }

  /**
   * UIDs 6 to 8 were appended by a commit that never moved its files out of tmp/: the next writer must undo it and
   * leave N at 6, so that a resumed migration stores those messages again under the same UIDs.
   */
  private void assertInterruptedCommitIsUndone(String lastLine) throws IOException {
    Files.delete(folder.resolve("cur/200.M2P1.h,S=6,W=7:2,"));
    List<String> inTmp = List.of("300.M3P1Q1.h", "400.M4P1Q2.h", "500.M5P1Q3.h");
    for (String name : inTmp) {
      message("tmp/" + name, "new\r\n");
    }
    uidlist("3 V7 N6 G0123456789abcdef0123456789abcdef\n5 :100.M1P1.h,S=6,W=7\n6 :300.M3P1Q1.h,S=6,W=7\n"
        + "7 :400.M4P1Q2.h,S=6,W=7\n" + lastLine);
    Mailbox box = open();
    assertEquals(6, box.status().nextUid());
    assertEquals(List.of(5L), uids(box));
    for (String name : inTmp) {
      assertFalse(Files.exists(folder.resolve("tmp").resolve(name)), name + " is undone");
    }
    List<String> lines = Files.readAllLines(folder.resolve("dovecot-uidlist"));
    assertEquals(List.of("3 V7 N6 G0123456789abcdef0123456789abcdef", "5 :100.M1P1.h,S=6,W=7"), lines);
  }

  /**
   * The tmp/ clean-up (files older than 36 hours) keeps the files of such a commit, however old: without them its
   * records would look like expunged messages, N would stay at 8, and a resumed migration would skip UIDs 6 and 7.
   */
  @Test
  void theCleanUpOfOldTemporaryFilesKeepsThoseOfAnInterruptedCommit() throws IOException {
    Files.delete(folder.resolve("cur/200.M2P1.h,S=6,W=7:2,"));
    message("tmp/300.M3P1Q1.h", "new\r\n");
    message("tmp/400.M4P1Q2.h", "new\r\n");
    message("tmp/900.M9P1Q9.h", "a writer died before its commit\r\n");
    uidlist("3 V7 N6 G0123456789abcdef0123456789abcdef\n5 :100.M1P1.h,S=6,W=7\n6 :300.M3P1Q1.h,S=6,W=7\n"
        + "7 :400.M4P1Q2.h,S=6,W=7\n");
    MaildirMailStore.removeOldTemporaryFiles(folder, System.currentTimeMillis() + 3_600_000); // all of them "old"
    assertTrue(Files.exists(folder.resolve("tmp/300.M3P1Q1.h")));
    assertTrue(Files.exists(folder.resolve("tmp/400.M4P1Q2.h")));
    assertFalse(Files.exists(folder.resolve("tmp/900.M9P1Q9.h")), "a leftover that no record names goes");
    Mailbox box = open();
    assertEquals(6, box.status().nextUid());
    assertEquals(List.of(5L), uids(box));
  }

  @Test
  void aRecordWhoseFileVanishedIsExpungedAndAFileWithoutRecordGetsANewUid() throws IOException {
    uidlist("3 V7 N10 G0123456789abcdef0123456789abcdef\n5 :100.M1P1.h,S=6,W=7\n7 :gone.M3P1.h,S=6,W=7\n");
    Mailbox box = open();
    assertEquals(List.of(5L, 10L), uids(box));
    assertEquals(11, box.status().nextUid());
    assertEquals(Set.of(), box.message(10).orElseThrow().flags().system());
    assertEquals(Set.of(SystemFlag.SEEN), box.message(5).orElseThrow().flags().system());
  }

  @Test
  void aFolderThatLostCurIsRepairedAndKeepsItsUids() throws IOException {
    uidlist("3 V7 N5 G0123456789abcdef0123456789abcdef\n5 :300.M1P1.h,S=6,W=7\n");
    Files.delete(folder.resolve("cur/100.M1P1.h,S=6,W=7:2,S"));
    Files.delete(folder.resolve("cur/200.M2P1.h,S=6,W=7:2,"));
    Files.delete(folder.resolve("cur"));
    message("new/300.M1P1.h,S=6,W=7", "new\r\n");
    Mailbox box = open();
    assertTrue(Files.isDirectory(folder.resolve("cur")));
    assertEquals(List.of(5L), uids(box));
  }

  @Test
  void foreignFilesAreIgnoredOrTreatedAsDovecotTreatsThem() throws IOException {
    uidlist("3 V7 N5 G0123456789abcdef0123456789abcdef\n5 :100.M1P1.h,S=6,W=7\n6 :200.M2P1.h,S=6,W=7\n");
    Files.writeString(folder.resolve("cur/.DS_Store"), "junk");
    Files.createDirectories(folder.resolve("cur/somedir"));
    Files.writeString(folder.resolve("notes.txt"), "ignored");
    Files.writeString(root.resolve("random-file"), "ignored");
    Mailbox box = open();
    assertEquals(List.of(5L, 6L), uids(box));
    assertEquals(List.of("INBOX", "F"), MaildirStore.open(root, StoreOptions.DEFAULT).listFolders());
  }

  @Test
  void anInvalidExtensionKeyIsDroppedAndTheRecordKept() throws IOException {
    uidlist("3 V7 N5 G0123456789abcdef0123456789abcdef\n5 xfoo PUIDL1 :100.M1P1.h,S=6,W=7\n");
    StoredMessage m = open().message(5).orElseThrow();
    assertEquals("UIDL1", m.pop3Uidl());
  }

  @Test
  void aVersion1CourierStyleUidlistIsRead() throws IOException {
    uidlist("1 4711 300\n100 100.M1P1.h,S=6,W=7:2,S\n200 200.M2P1.h,S=6,W=7:2,\n");
    Mailbox box = open();
    assertEquals(4711, box.status().uidValidity());
    assertEquals(List.of(100L, 200L), uids(box));
    assertEquals(300, box.status().nextUid());

    // A rewrite (raising NEXTUID) writes version 3, records included: version 1 lines under a version 3 header
    // would not parse.
    box.raiseNextUid(400);
    List<String> lines = Files.readAllLines(folder.resolve("dovecot-uidlist"));
    assertTrue(lines.get(0).startsWith("3 V4711 N400 "), lines.toString());
    assertEquals(List.of("100 :100.M1P1.h,S=6,W=7", "200 :200.M2P1.h,S=6,W=7"), lines.subList(1, lines.size()));
    assertEquals(List.of(100L, 200L), uids(open()));
  }

  /**
   * Version 3 records appended under a version 1 header would be read as version 1 lines (an empty file name, by us;
   * a UID not below N, by Dovecot, which then deletes the file): the file is rewritten as version 3 first.
   */
  @Test
  void aMessageSavedIntoAVersion1UidlistUpgradesItToVersion3BeforeItsRecordIsAppended() throws IOException {
    uidlist("1 4711 300\n100 100.M1P1.h,S=6,W=7:2,S\n200 200.M2P1.h,S=6,W=7:2,\n");
    StoredMessage saved = open().append(MessageMeta.next(Instant.ofEpochSecond(1_600_000_000L), Flags.NONE),
        new ByteArrayInputStream("new\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(300, saved.uid());
    assertEquals(List.of(100L, 200L, 300L), uids(open()));
    assertUpgradedWith("300 :" + saved.baseName());
  }

  @Test
  void aDeliveredFileInAVersion1FolderUpgradesTheUidlistBeforeItsRecordIsAppended() throws IOException {
    uidlist("1 4711 300\n100 100.M1P1.h,S=6,W=7:2,S\n200 200.M2P1.h,S=6,W=7:2,\n");
    message("new/300.M3P1.h,S=6,W=7", "mda\r\n"); // an MDA's delivery, without a record
    assertEquals(List.of(100L, 200L, 300L), uids(open()));
    assertEquals(List.of(100L, 200L, 300L), uids(open()));
    assertUpgradedWith("300 :300.M3P1.h,S=6,W=7");
  }

  private void assertUpgradedWith(String appendedLine) throws IOException {
    List<String> lines = Files.readAllLines(folder.resolve("dovecot-uidlist"));
    assertTrue(lines.get(0).matches("3 V4711 N300 G[0-9a-f]{32}"), lines.toString());
    assertEquals(List.of("100 :100.M1P1.h,S=6,W=7", "200 :200.M2P1.h,S=6,W=7", appendedLine),
        lines.subList(1, lines.size()));
  }

  @Test
  void aFolderWithoutUidlistGetsOneAndItsFilesGetUidsInDovecotOrder() throws IOException {
    Mailbox box = open();
    assertEquals(List.of(1L, 2L), uids(box));
    assertEquals(6, box.message(1).orElseThrow().size());
    assertTrue(box.message(1).orElseThrow().baseName().startsWith("100."), "sorted by the leading timestamp");
  }

  @Test
  void aRecentFileInTmpIsNeverRemovedEvenWithAnOldMtime() throws IOException {
    uidlist("3 V7 N5 G0123456789abcdef0123456789abcdef\n5 :100.M1P1.h,S=6,W=7\n6 :200.M2P1.h,S=6,W=7\n");
    Path inFlight = folder.resolve("tmp/1500000000.M1P99Q1.h");
    message("tmp/1500000000.M1P99Q1.h", "being written\r\n"); // mtime = its INTERNALDATE, years ago
    open().messages();
    assertTrue(Files.exists(inFlight), "a message another writer is saving must survive");
  }

  @Test
  void aFileNamedByTwoRecordsKeepsTheLaterUidAsInDovecot() throws IOException {
    uidlist("3 V7 N5 G0123456789abcdef0123456789abcdef\n5 :100.M1P1.h,S=6,W=7\n6 :200.M2P1.h,S=6,W=7\n"
        + "8 :100.M1P1.h,S=6,W=7\n");
    Mailbox box = open();
    assertEquals(List.of(6L, 8L), uids(box));

    // A rewrite keeps the records as read, so the file then names each file once, as Dovecot's rewrite does.
    box.raiseNextUid(20);
    assertEquals(List.of("6 :200.M2P1.h,S=6,W=7", "8 :100.M1P1.h,S=6,W=7"),
        Files.readAllLines(folder.resolve("dovecot-uidlist")).subList(1, 3));
    assertEquals(3, Files.readAllLines(folder.resolve("dovecot-uidlist")).size());
  }

  /**
   * A file named with a line feed would split its uidlist record and make the uidlist unreadable (the user locked out
   * at the next start; walk-through 11, W1); one whose name is not UTF-8 cannot be opened by the name Java lists.
   * Both are left out, as Dovecot leaves out the first, and the folder stays readable.
   */
  @Test
  void filesWhoseNamesCannotBeRecordedAreLeftOutAndTheUidlistStaysReadable() throws Exception {
    message("cur/bad\nname:2,S", "stray\r\n");
    Process p = new ProcessBuilder("sh", "-c", "printf 'x\\r\\n' > \"$0/cur/$(printf 'bin\\377\\376'):2,S\"",
        folder.toString()).inheritIO().start();
    assertEquals(0, p.waitFor());
    Mailbox box = open();
    assertEquals(2, uids(box).size(), "only the two messages with usable names");
    box.append(MessageMeta.next(Instant.ofEpochSecond(1_600_000_000L), Flags.NONE),
        new ByteArrayInputStream("Subject: new\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII)));
    for (String line : Files.readAllLines(folder.resolve("dovecot-uidlist"), StandardCharsets.ISO_8859_1)) {
      assertTrue(line.matches("(3 V.*|\\d+ .*:.+)"), "every line is a header or a record: " + line);
    }
    assertEquals(3, uids(open()).size(), "a fresh open reads the uidlist");
  }
}
