package dovetail.store.maildir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
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
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MailboxTransaction#addMoved}: a MOVE renames the message's file into the target; it never copies it. */
class MaildirMoveTest {
  private static final Instant DATE = Instant.parse("2021-03-04T05:06:07Z");

  @TempDir Path root;

  private MailStore store() {
    return MaildirStore.open(root, StoreOptions.DEFAULT);
  }

  private static StoredMessage append(Mailbox box, String body, Flags flags) {
    return box.append(MessageMeta.next(DATE, flags), new ByteArrayInputStream(body.getBytes(StandardCharsets.US_ASCII)));
  }

  private static byte[] read(Mailbox box, long uid) throws IOException {
    try (InputStream in = box.openContent(uid)) {
      return in.readAllBytes();
    }
  }

  private static List<StoredMessage> move(Mailbox from, Mailbox to, List<Long> uids, Flags flags) {
    try (MailboxTransaction tx = to.begin()) {
      uids.forEach(uid -> tx.addMoved(from, uid, flags));
      return tx.commit();
    }
  }

  private Path fileOf(String folder, StoredMessage m) throws IOException {
    try (var files = Files.list(root.resolve("." + folder).resolve("cur"))) {
      return files.filter(p -> MaildirFilename.baseName(p.getFileName().toString()).equals(m.baseName()))
          .findFirst().orElseThrow();
    }
  }

  private static Object inode(Path file) throws IOException {
    return Files.getAttribute(file, "unix:ino");
  }

  @Test
  void theFileIsRenamedWithItsBytesAndDateAndTheTargetsKeywordLetters() throws IOException {
    Mailbox a = store().create("A");
    Mailbox b = store().create("B");
    append(b, "Subject: b\r\n\r\nb\r\n", Flags.NONE.withKeywords("OnlyInB")); // "OnlyInB" is B's letter a
    Flags flags = Flags.of(SystemFlag.SEEN).withKeywords("Work");
    StoredMessage original = append(a, "Subject: moved\r\n\r\nbody\r\n", flags); // "Work" is A's letter a
    Object inode = inode(fileOf("A", original));

    StoredMessage moved = move(a, b, List.of(original.uid()), flags).get(0);

    assertEquals(2, moved.uid());
    assertEquals(flags, moved.flags());
    assertEquals(DATE, moved.internalDate());
    assertArrayEquals("Subject: moved\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII), read(b, moved.uid()));
    Path file = fileOf("B", moved);
    assertEquals(inode, inode(file), "the same file, renamed: not a copy");
    assertTrue(file.getFileName().toString().endsWith(":2,Sb"), "B's letter for Work: " + file);
    assertTrue(moved.baseName().contains(",S=" + original.size() + ",W=" + original.virtualSize()), moved.baseName());
    // Before the source's expunge (a crash there): the source's record has no file, and reads as expunged.
    assertEquals(List.of(), store().open("A").messages());
    assertEquals(List.of(), a.messages());
    a.expunge(List.of(original.uid()));
    assertFalse(Files.readString(root.resolve(".A/dovecot-uidlist")).contains(original.baseName()),
        "the source's expunge drops the record");
    assertEquals(2, a.status().nextUid(), "the source's UID stays used");
  }

  @Test
  void aFileRenamedMeanwhileInTheSourceIsFoundUnderItsNewName() throws IOException {
    Mailbox a = store().create("A");
    Mailbox b = store().create("B");
    StoredMessage original = append(a, "Subject: renamed\r\n\r\n", Flags.NONE);
    try (MailboxTransaction tx = b.begin()) {
      tx.addMoved(a, original.uid(), Flags.of(SystemFlag.SEEN));
      Path file = fileOf("A", original); // Dovecot sets \Flagged meanwhile: a rename, without any lock
      Files.move(file, file.resolveSibling(file.getFileName() + "F"));
      StoredMessage moved = tx.commit().get(0);
      assertEquals(Flags.of(SystemFlag.SEEN), moved.flags(), "the MOVE's flags, as Dovecot's MOVE copies its own");
      assertArrayEquals("Subject: renamed\r\n\r\n".getBytes(StandardCharsets.US_ASCII), read(b, moved.uid()));
    }
    assertEquals(List.of(), a.messages());
  }

  /** Dovecot refuses a MOVE of a message expunged meanwhile whole (NO [EXPUNGEISSUED]); nothing moves. */
  @Test
  void aMessageExpungedMeanwhileUndoesTheWholeMove() throws IOException {
    Mailbox a = store().create("A");
    Mailbox b = store().create("B");
    List<StoredMessage> originals = List.of(append(a, "Subject: 1\r\n\r\n", Flags.NONE),
        append(a, "Subject: 2\r\n\r\n", Flags.NONE), append(a, "Subject: 3\r\n\r\n", Flags.NONE));
    Object firstInode = inode(fileOf("A", originals.get(0)));
    try (MailboxTransaction tx = b.begin()) {
      originals.forEach(m -> tx.addMoved(a, m.uid(), Flags.NONE));
      Files.delete(fileOf("A", originals.get(1))); // another writer expunges UID 2
      StoreException e = assertThrows(StoreException.class, tx::commit);
      assertEquals(StoreError.EXPUNGED, e.error());
    }
    assertEquals(List.of(1L, 3L), store().open("A").messages().stream().map(StoredMessage::uid).toList());
    assertEquals(firstInode, inode(fileOf("A", originals.get(0))), "put back, not copied");
    assertEquals(List.of(), store().open("B").messages());
    assertEquals(4, b.status().nextUid(), "the UIDs the undone commit took stay used");
    assertEquals(4, move(a, b, List.of(1L), Flags.NONE).get(0).uid());
  }

  @Test
  void withinOneFolderTheFileIsRenamedToANewUidAndTheOldOneReadsAsExpunged() throws IOException {
    Mailbox a = store().create("A");
    StoredMessage original = append(a, "Subject: same\r\n\r\n", Flags.of(SystemFlag.FLAGGED));
    Object inode = inode(fileOf("A", original));
    StoredMessage moved = move(a, a, List.of(original.uid()), Flags.of(SystemFlag.FLAGGED)).get(0);
    assertEquals(2, moved.uid());
    assertEquals(inode, inode(fileOf("A", moved)), "renamed, not copied: a crash leaves no second copy");
    assertEquals(List.of(moved), a.messages(), "before the expunge (a crash there) the old UID reads as expunged");
    assertEquals(List.of(moved), store().open("A").messages());
    a.expunge(List.of(original.uid()));
    assertEquals(List.of(moved), a.messages());
    assertArrayEquals("Subject: same\r\n\r\n".getBytes(StandardCharsets.US_ASCII), read(a, moved.uid()));
  }

  @Test
  void movingBackAndForthNeverReusesAUidNorNamesOneFileTwice() throws IOException {
    Mailbox a = store().create("A");
    Mailbox b = store().create("B");
    long uid = append(a, "Subject: ping-pong\r\n\r\n", Flags.NONE).uid();
    Set<String> names = new java.util.HashSet<>();
    for (int i = 0; i < 4; i++) {
      // No expunge of the source in between: its record without a file is what a crash there leaves.
      StoredMessage inB = move(a, b, List.of(uid), Flags.NONE).get(0);
      StoredMessage inA = move(b, a, List.of(inB.uid()), Flags.NONE).get(0);
      assertTrue(names.add(inB.baseName()) && names.add(inA.baseName()), "a fresh name each time");
      assertEquals(i + 2, inA.uid());
      assertEquals(i + 1, inB.uid());
      uid = inA.uid();
    }
    assertEquals(1, store().open("A").messages().size());
    assertEquals(List.of(), store().open("B").messages());
  }
}
