package dovetail.proxy.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.SystemFlag;
import dovetail.store.UidSet;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderStateTest {
  @TempDir Path dir;

  private Mailbox folderWithTwoMessages(Map<String, String> state) {
    MailStore store = MaildirStore.open(dir.resolve("Maildir"), StoreOptions.DEFAULT);
    Mailbox inbox = store.create("INBOX", 99, 1);
    for (int i = 0; i < 2; i++) {
      inbox.append(MessageMeta.next(Instant.parse("2024-01-01T00:00:00Z"), Flags.NONE),
          new ByteArrayInputStream(("Subject: " + i + "\r\n\r\nx\r\n").getBytes(StandardCharsets.US_ASCII)));
    }
    inbox.writeDovetailState(state);
    return inbox;
  }

  @Test
  void modSeqsStartAboveTheLegacyHighestModSeqAndKeepOtherKeys() {
    Mailbox inbox = folderWithTwoMessages(Map.of("legacy.highestmodseq", "5000", "migration.state", "done"));
    FolderState state = new FolderState();
    state.ensureLoaded(inbox);
    assertEquals(5001, state.modSeq(1));
    assertEquals(5001, state.highest());
    Map<String, String> written = inbox.dovetailState();
    assertEquals("done", written.get("migration.state"), "keys written by others survive");
    assertEquals("5000", written.get("legacy.highestmodseq"));
    assertTrue(Long.parseLong(written.get(FolderState.HIGHEST_KEY)) >= 5001, written.toString());
  }

  @Test
  void aRestartNeverHandsOutAModSeqTwice() {
    Mailbox inbox = folderWithTwoMessages(Map.of());
    FolderState first = new FolderState();
    first.ensureLoaded(inbox);
    long last = 0;
    for (int i = 0; i < FolderState.RESERVE + 10; i++) {
      last = first.next(inbox);
    }
    FolderState afterRestart = new FolderState();
    afterRestart.ensureLoaded(inbox);
    assertTrue(afterRestart.highest() > last, afterRestart.highest() + " > " + last);
  }

  @Test
  void syncReportsOtherWritersChangesOnceWithNewModSeqs() {
    Mailbox inbox = folderWithTwoMessages(Map.of());
    FolderState state = new FolderState();
    state.ensureLoaded(inbox);
    long before = state.highest();
    inbox.setFlags(1, Flags.of(SystemFlag.SEEN));
    inbox.expunge(List.of(2L));
    inbox.append(MessageMeta.next(Instant.now(), Flags.NONE), new ByteArrayInputStream("\r\nnew\r\n".getBytes(StandardCharsets.US_ASCII)));
    FolderState.Changes changes = state.sync(inbox, inbox.messages());
    assertEquals(List.of(3L), changes.added().stream().map(m -> m.uid()).toList());
    assertEquals(List.of(2L), List.copyOf(changes.expunged().keySet()));
    assertEquals(1, changes.flags().size());
    assertTrue(changes.flags().get(0).modSeq() > before);
    assertTrue(state.modSeq(3) > before);
    assertTrue(state.sync(inbox, inbox.messages()).isEmpty(), "reported once");
  }

  /**
   * The legacy HIGHESTMODSEQ rose past this folder's mod-sequences (a device still syncing with the legacy server):
   * every message and every expunge goes above it, so that such a device is told everything again (walk-through 8,
   * W1), and the next few legacy changes move nothing.
   */
  @Test
  void aLegacyHighestModSeqAboveTheBaseMovesEveryMessageAndExpungeAboveIt() {
    Mailbox inbox = folderWithTwoMessages(Map.of("legacy.highestmodseq", "10"));
    FolderState state = new FolderState();
    state.ensureLoaded(inbox);
    assertEquals(11, state.modSeq(1));
    inbox.expunge(List.of(2L));
    state.recordExpunged(inbox, List.of(2L));
    long flagged = state.next(inbox);
    state.recordFlags(inbox.messages().get(0), flagged);
    legacy(inbox, 20);
    state.legacyModSeqRose(inbox);
    assertTrue(state.modSeq(1) > 20, "UID 1: " + state.modSeq(1));
    assertTrue(state.highest() >= state.modSeq(1));
    assertEquals(UidSet.parse("2"), state.expungedSince(20));
    long moved = state.highest();
    legacy(inbox, 25);
    state.legacyModSeqRose(inbox);
    assertEquals(moved, state.highest(), "a small rise below the new base moves nothing");
  }

  /** Expunges recorded before a restart move above a legacy value that rose meanwhile (review 9, finding 1). */
  @Test
  void expungesRecordedBeforeARestartMoveAboveALegacyValueThatRoseMeanwhile() {
    Mailbox inbox = folderWithTwoMessages(Map.of("legacy.highestmodseq", "10"));
    long at = expungedByAnEarlierRun(inbox, 1);
    legacy(inbox, at + 2 * FolderState.RESERVE);
    FolderState restarted = new FolderState();
    restarted.ensureLoaded(inbox);
    assertEquals(UidSet.parse("1"), restarted.expungedSince(at + 2 * FolderState.RESERVE));
    assertTrue(restarted.modSeq(2) > at + 2 * FolderState.RESERVE);
  }

  /**
   * A legacy value below the base (the base is a reservation above every value handed out): the messages are above it
   * already, an expunge recorded at or below it moves up (review 9, finding 1).
   */
  @Test
  void aLegacyValueBelowTheBaseMovesOnlyTheExpungesAtOrBelowIt() {
    Mailbox inbox = folderWithTwoMessages(Map.of("legacy.highestmodseq", "10"));
    long at = expungedByAnEarlierRun(inbox, 1);
    FolderState restarted = new FolderState();
    restarted.ensureLoaded(inbox);
    long base = restarted.modSeq(2);
    assertTrue(base > at + 1);
    legacy(inbox, at + 1);
    restarted.legacyModSeqRose(inbox);
    assertEquals(UidSet.parse("1"), restarted.expungedSince(at + 1));
    assertEquals(base, restarted.modSeq(2), "the message was above it already");
  }

  /** UID {@code uid} expunged through a FolderState that is then gone (a restart); the mod-sequence it was given. */
  private static long expungedByAnEarlierRun(Mailbox folder, long uid) {
    FolderState earlier = new FolderState();
    earlier.ensureLoaded(folder);
    folder.expunge(List.of(uid));
    return earlier.recordExpunged(folder, List.of(uid));
  }

  private static void legacy(Mailbox folder, long highestModSeq) {
    folder.updateDovetailState(s -> {
      Map<String, String> m = new java.util.TreeMap<>(s);
      m.put("legacy.highestmodseq", Long.toString(highestModSeq));
      return m;
    });
  }

  /**
   * A STORE that failed part-way: the changes made before the failure were recorded, but no session was told (James
   * sends nothing for a failed command). Put back as unreported, the next look reports them (review 9, finding 5).
   */
  @Test
  void aChangeRecordedButUnreportedIsReportedByTheNextLook() {
    Mailbox inbox = folderWithTwoMessages(Map.of());
    FolderState state = new FolderState();
    state.ensureLoaded(inbox);
    var before = inbox.messages().get(0);
    var after = inbox.changeFlags(1, f -> f.with(SystemFlag.FLAGGED)).after();
    state.recordFlags(after, state.next(inbox));
    assertTrue(state.sync(inbox, inbox.messages()).isEmpty(), "recorded: nothing to report");
    state.unreported(before);
    FolderState.Changes changes = state.sync(inbox, inbox.messages());
    assertEquals(1, changes.flags().size(), changes.toString());
    assertEquals(Flags.NONE, changes.flags().get(0).before());
  }

  /** A response written for a message as another session expunges it carries no mod-sequence below its last. */
  @Test
  void anExpungedMessagesModSeqDoesNotGoBackToTheBase() {
    Mailbox inbox = folderWithTwoMessages(Map.of());
    FolderState state = new FolderState();
    state.ensureLoaded(inbox);
    long changed = state.next(inbox);
    state.recordFlags(inbox.messages().get(1), changed);
    assertEquals(changed, state.modSeq(2));
    state.recordExpunged(inbox, List.of(2L));
    assertTrue(state.modSeq(2) >= changed, state.modSeq(2) + " >= " + changed);
    assertEquals(state.highest(), state.modSeq(2), "the expunge's own mod-sequence");
  }

  @Test
  void expungesAreRecordedWithTheirModSeqAndOldGapsAtTheLoadBase() throws Exception {
    Mailbox inbox = folderWithTwoMessages(Map.of());
    inbox.append(MessageMeta.next(Instant.now(), Flags.NONE), new ByteArrayInputStream("\r\nthird\r\n".getBytes(StandardCharsets.US_ASCII)));
    inbox.expunge(List.of(1L)); // before Dovetail ever looked
    FolderState state = new FolderState();
    state.ensureLoaded(inbox);
    long loaded = state.highest();
    assertEquals(UidSet.parse("1"), state.expungedSince(0));
    assertTrue(state.expungedSince(loaded).isEmpty(), "a client that synced after the load knew UID 1 was gone");
    long at = state.recordExpunged(inbox, List.of(2L));
    inbox.expunge(List.of(3L)); // another writer
    state.sync(inbox, inbox.messages());
    assertEquals(UidSet.parse("2:3"), state.expungedSince(loaded));
    assertEquals(UidSet.parse("3"), state.expungedSince(at));

    FolderState restarted = new FolderState();
    restarted.ensureLoaded(inbox);
    assertEquals(UidSet.parse("3"), restarted.expungedSince(at), "the record survives a restart");
    assertEquals(UidSet.parse("1:3"), restarted.expungedSince(0));
  }

  @Test
  void aLineCutShortByACrashIsIgnoredAndItsUidsReportedToEveryOlderClient() throws Exception {
    Mailbox inbox = folderWithTwoMessages(Map.of());
    FolderState state = new FolderState();
    state.ensureLoaded(inbox);
    long loaded = state.highest();
    state.recordExpunged(inbox, List.of(1L));
    inbox.expunge(List.of(1L));
    long beforeTwo = state.highest();
    state.recordExpunged(inbox, List.of(2L));
    inbox.expunge(List.of(2L));
    Path file = inbox.dovetailFile(ExpungeLog.SUFFIX);
    String text = Files.readString(file);
    Files.writeString(file, text.substring(0, text.length() - 2)); // "<modseq> 2\n" loses its end

    FolderState restarted = new FolderState();
    restarted.ensureLoaded(inbox);
    assertEquals(UidSet.parse("1:2"), restarted.expungedSince(loaded));
    assertEquals(UidSet.parse("2"), restarted.expungedSince(beforeTwo), "UID 2 is found missing at the load");
    assertTrue(restarted.expungedSince(restarted.highest()).isEmpty());
  }

  @Test
  void aRecordForAnotherUidValidityIsDiscarded() throws Exception {
    Mailbox inbox = folderWithTwoMessages(Map.of());
    Files.writeString(inbox.dovetailFile(ExpungeLog.SUFFIX), "dovetail-expunged 1 12345\n5 1:2\n");
    FolderState state = new FolderState();
    state.ensureLoaded(inbox);
    assertTrue(state.expungedSince(0).isEmpty(), state.expungedSince(0).toString());
    state.recordExpunged(inbox, List.of(1L));
    assertTrue(Files.readString(inbox.dovetailFile(ExpungeLog.SUFFIX)).startsWith("dovetail-expunged 1 99\n"));
  }

  @Test
  void compactionMergesOldEntriesUpwardsAndKeepsEveryUid() {
    Mailbox inbox = folderWithTwoMessages(Map.of());
    FolderState state = new FolderState();
    state.ensureLoaded(inbox);
    long first = state.highest();
    for (long uid = 100; uid < 100 + ExpungeLog.MAX_ENTRIES + 5; uid++) {
      state.recordExpunged(inbox, List.of(uid));
    }
    FolderState restarted = new FolderState();
    restarted.ensureLoaded(inbox);
    UidSet all = restarted.expungedSince(first);
    assertTrue(all.intersect(UidSet.of(100, 100 + ExpungeLog.MAX_ENTRIES + 4)).equals(UidSet.of(100, 100 + ExpungeLog.MAX_ENTRIES + 4)),
        all.toString());
  }
}
