package dovetail.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.StoredMessage;
import dovetail.store.SystemFlag;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two windows of a MOVE ({@link MailboxTransaction#addMoved}) that a kill -9 can cut, made on disk exactly as the
 * MOVE leaves them at that instant, then read by a restarted store and by a stock Dovecot: (1) the target's record is
 * written but the file is still in the source; (2) the file is in the target but the source still records it. Each
 * message is in exactly one folder, and no UID is used twice. (The random kills of a real server are
 * MoveCrashDovecotIT's.)
 */
class MoveCrashStatesDovecotIT {
  private static final Instant DATE = Instant.parse("2022-01-02T03:04:05Z");
  private static final byte[] BODY = "Message-ID: <moved@test>\r\nSubject: moved\r\n\r\nbody\r\n"
      .getBytes(StandardCharsets.US_ASCII);

  @TempDir Path work;

  private Path root;

  private MailStore store() {
    return MaildirStore.open(root, StoreOptions.DEFAULT);
  }

  /** A with the message (UID 1, \Seen and a keyword), B with one message of its own. */
  private StoredMessage prepare() {
    root = DovecotServer.maildir(work, "mover");
    Mailbox a = store().create("A");
    Mailbox b = store().create("B");
    b.append(MessageMeta.next(DATE, Flags.NONE), new ByteArrayInputStream("Subject: b\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
    return a.append(MessageMeta.next(DATE, Flags.of(SystemFlag.SEEN).withKeywords("Work")), new ByteArrayInputStream(BODY));
  }

  @Test
  void killedAfterTheTargetsRecordBeforeTheRenameTheMessageStaysInTheSourceAndTheUidIsNotReused() throws Exception {
    DovecotServer.assumeInstalled();
    StoredMessage original = prepare();
    Path b = root.resolve(".B");
    Path lock = b.resolve(FolderLock.FILE);
    // Step (1) of a MOVE by another process, which holds B's lock: B's record, the file still in A.
    Process writer = new ProcessBuilder("sleep", "60").start();
    try {
      Files.writeString(lock, writer.pid() + ":" + HostName.get());
      String base = MaildirFilename.withSizes(MaildirFilename.newBase(1_700_000_000_000_000L), original.size(),
          original.virtualSize());
      Files.write(b.resolve("dovecot-uidlist"), Uidlist.formatRecords(List.of(new UidlistRecord(2, Map.of(), base))),
          StandardOpenOption.APPEND);
      assertEquals(List.of(1L), uids(store(), "B"), "a reader meanwhile does not see UID 2 (it has no file yet)");
      assertTrue(Files.readString(b.resolve("dovecot-uidlist")).contains(base), "nor drops the writer's record");
    } finally {
      writer.destroyForcibly().waitFor();
    }
    // The writer is killed there: its lock is a dead process's, taken at once by the next writer.
    assertEquals(List.of(1L), uids(store(), "A"));
    assertEquals(List.of(1L), uids(store(), "B"));
    assertEquals(3, store().open("B").status().nextUid(), "UID 2 stays used");
    judge(Map.of("A", 1, "B", 1), Map.of("B", 3L));

    Mailbox target = store().open("B");
    try (MailboxTransaction tx = target.begin()) {
      tx.addMoved(store().open("A"), original.uid(), original.flags());
      assertEquals(3, tx.commit().get(0).uid(), "the MOVE done again takes a new UID");
    }
  }

  @Test
  void killedAfterTheRenameBeforeTheSourcesExpungeTheMessageIsInTheTargetOnly() throws Exception {
    DovecotServer.assumeInstalled();
    StoredMessage original = prepare();
    try (MailboxTransaction tx = store().open("B").begin()) {
      tx.addMoved(store().open("A"), original.uid(), original.flags());
      tx.commit();
    } // ... and killed here, before the source's expunge
    assertTrue(Files.readString(root.resolve(".A/dovecot-uidlist")).contains(original.baseName()),
        "A still records it: the state a kill leaves");
    judge(Map.of("A", 0, "B", 2), Map.of("A", 2L, "B", 3L));
    assertEquals(List.of(), uids(store(), "A"));
    assertEquals(List.of(1L, 2L), uids(store(), "B"));
    StoredMessage moved = store().open("B").message(2).orElseThrow();
    assertEquals(original.flags(), moved.flags());
    assertEquals(DATE, moved.internalDate());
  }

  private static List<Long> uids(MailStore store, String folder) {
    return store.open(folder).messages().stream().map(StoredMessage::uid).toList();
  }

  /** What a stock Dovecot shows: messages per folder, the moved one's flags and date, UIDNEXTs; no repair logged. */
  private void judge(Map<String, Integer> counts, Map<String, Long> uidNext) throws Exception {
    try (DovecotServer dovecot = DovecotServer.builder(work).user("mover", "pw").noSpecialUse().start();
        ImapProbe imap = ImapProbe.login(dovecot, "mover")) {
      int moved = 0;
      for (String folder : List.of("A", "B")) {
        ImapProbe.FolderState seen = imap.examine(folder);
        assertEquals(counts.get(folder), seen.messages().size(), "Dovecot's " + folder + ": " + seen.messages());
        if (uidNext.containsKey(folder)) {
          assertEquals(uidNext.get(folder), seen.uidNext(), "Dovecot's UIDNEXT of " + folder);
        }
        for (ImapProbe.ImapMessage m : seen.messages()) {
          if ("<moved@test>".equals(m.messageId())) {
            moved++;
            assertEquals(Set.of("\\Seen", "Work"), m.flags(), "Dovecot's flags of the moved message");
            assertEquals(DATE, m.internalDate());
          }
        }
      }
      assertEquals(1, moved, "Dovecot shows the moved message once");
      assertEquals(List.of(), dovecot.logProblems(), "Dovecot read the store without repairing anything");
    }
  }
}
