package dovetail.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.maildir.MaildirStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserChangesTest {
  @TempDir Path dir;

  private Mailbox folder(long uidValidity) {
    MailStore store = MaildirStore.open(dir.resolve("Maildir"), StoreOptions.DEFAULT);
    return store.exists("Work") ? store.open("Work") : store.create("Work", uidValidity, 1);
  }

  @Test
  void whatWasRecordedIsReadBackByAnotherReader() {
    Mailbox work = folder(4242);
    UserChanges writer = UserChanges.load(work);
    writer.recordFlags(work, UidSet.of(3, 5));
    writer.recordFlags(work, UidSet.of(4, 9)); // 4:5 again: only 6:9 is new
    writer.recordExpunged(work, UidSet.of(java.util.List.of(12L, 20L)));
    UserChanges reader = UserChanges.load(work);
    assertEquals("3:9", reader.flagsChanged().toString());
    assertEquals("12,20", reader.expunged().toString());
  }

  @Test
  void aRecordOfAnotherUidValidityIsEmptyAndReplacedByTheFirstWrite() throws IOException {
    Mailbox work = folder(4242);
    Path file = work.dovetailFile(UserChanges.SUFFIX);
    Files.writeString(file, "dovetail-changes 1 1111\nflags 1:100\nexpunged 7\n");
    UserChanges changes = UserChanges.load(work);
    assertTrue(changes.flagsChanged().isEmpty());
    assertTrue(changes.expunged().isEmpty());
    changes.recordExpunged(work, UidSet.of(2, 2));
    assertEquals("dovetail-changes 1 4242\nexpunged 2\n", Files.readString(file));
  }

  @Test
  void aLineCutShortOrDamagedIsIgnoredAndTheRestKept() throws IOException {
    Mailbox work = folder(4242);
    Path file = work.dovetailFile(UserChanges.SUFFIX);
    Files.writeString(file, "dovetail-changes 1 4242\nflags 1:3\nflags x\nsomething 4\nexpunged 9\nflags 40:4",
        StandardCharsets.US_ASCII);
    UserChanges changes = UserChanges.load(work);
    assertEquals("1:3", changes.flagsChanged().toString());
    assertEquals("9", changes.expunged().toString());
  }

  @Test
  void aLongRecordIsRewrittenAsTwoLines() throws IOException {
    Mailbox work = folder(4242);
    UserChanges changes = UserChanges.load(work);
    for (long uid = 1; uid <= 2L * UserChanges.MAX_LINES + 3; uid += 2) {
      changes.recordFlags(work, UidSet.of(uid, uid));
    }
    changes.recordExpunged(work, UidSet.of(5000, 5000));
    long lines = Files.readAllLines(work.dovetailFile(UserChanges.SUFFIX)).size();
    assertTrue(lines < 10, lines + " lines");
    UserChanges reader = UserChanges.load(work);
    assertEquals(UserChanges.MAX_LINES + 2, reader.flagsChanged().rangeCount());
    assertTrue(reader.flagsChanged().contains(2L * UserChanges.MAX_LINES + 3));
    assertEquals("5000", reader.expunged().toString());
  }

  /** An IMAP and a POP3 session of one user keep a record each: a rewrite by one keeps what the other appended. */
  @Test
  void aRewriteKeepsWhatAnotherWriterAppended() {
    Mailbox work = folder(4242);
    UserChanges imap = UserChanges.load(work);
    UserChanges pop3 = UserChanges.load(work);
    imap.recordFlags(work, UidSet.of(1, 1));
    pop3.recordExpunged(work, UidSet.of(7777, 7777));
    for (long uid = 3; uid <= 2L * UserChanges.MAX_LINES + 3; uid += 2) {
      imap.recordFlags(work, UidSet.of(uid, uid));
    }
    pop3.recordFlags(work, UidSet.of(9999, 9999));
    UserChanges reader = UserChanges.load(work);
    assertEquals("7777", reader.expunged().toString());
    assertTrue(reader.flagsChanged().contains(9999));
    assertEquals(UserChanges.MAX_LINES + 3, reader.flagsChanged().rangeCount());
  }
}
