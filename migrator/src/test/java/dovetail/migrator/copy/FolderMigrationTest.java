package dovetail.migrator.copy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.conf.FsyncMode;
import dovetail.migrator.copy.FolderResult.Outcome;
import dovetail.migrator.source.FolderNameMapper;
import dovetail.migrator.source.LegacyException;
import dovetail.migrator.source.LegacyImapSession;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.StoredMessage;
import dovetail.store.SystemFlag;
import dovetail.store.maildir.MaildirStore;
import dovetail.store.StoreOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-folder algorithm against an in-memory legacy server with injected faults. */
class FolderMigrationTest {
  @TempDir Path tmp;
  private MailStore store;
  private FakeLegacy legacy;
  private FakeLegacy.Folder inbox;
  private MigrationOptions options = MigrationOptions.defaults().withCommitInterval(3);

  @BeforeEach
  void setUp() {
    store = MaildirStore.open(tmp.resolve("Maildir"), StoreOptions.DEFAULT.withFsync(FsyncMode.NEVER));
    legacy = new FakeLegacy('/');
    inbox = legacy.folder("INBOX", 1234567890L);
    // UIDs with gaps, as after expunges; UIDNEXT above the last UID.
    long[] uids = {2, 3, 5, 8, 9, 10, 14, 15, 21, 22};
    for (long uid : uids) {
      inbox.add(uid, FakeLegacy.message("Subject: m" + uid + "\r\n\r\nbody " + uid + "\r\n"));
    }
    inbox.uidNext = 40;
    inbox.highestModSeq = 777;
    inbox.messages.get(3L).flags(Set.of("\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft"),
        Set.of("$Forwarded", "Work"));
  }

  private void skeleton() {
    try (LegacyImapSession s = legacy.open("alice")) {
      new UserSkeleton(store, new FolderNameMapper(""), Clock.systemUTC()).build(s, Set.of());
    }
  }

  private FolderResult run() {
    try (LegacyImapSession s = legacy.open("alice")) {
      return new FolderMigration(store.open("INBOX"), options, MigrationListener.NONE, Clock.systemUTC()).run(s);
    }
  }

  private List<Long> storedUids() {
    return store.open("INBOX").messages().stream().map(StoredMessage::uid).toList();
  }

  private void assertExactCopy() throws IOException {
    Mailbox box = store.open("INBOX");
    assertEquals(inbox.uidValidity, box.status().uidValidity());
    assertEquals(List.copyOf(inbox.messages.keySet()), storedUids());
    for (StoredMessage m : box.messages()) {
      FakeLegacy.Message legacyMessage = inbox.messages.get(m.uid());
      try (InputStream in = box.openContent(m.uid())) {
        assertArrayEquals(legacyMessage.bytes, in.readAllBytes(), "UID " + m.uid());
      }
      assertEquals(legacyMessage.date, m.internalDate());
      assertEquals(legacyMessage.keywords, m.flags().keywords());
    }
  }

  @Test
  void copiesEveryMessageUnderItsUidWithFlagsKeywordsDateAndExactBytes() throws IOException {
    skeleton();
    FolderResult r = run();
    assertEquals(Outcome.COMPLETE, r.outcome(), r.reason());
    assertEquals(10, r.messages());
    assertExactCopy();
    StoredMessage flagged = store.open("INBOX").message(3).orElseThrow();
    assertEquals(Set.of(SystemFlag.values()), flagged.flags().system());
    assertEquals(40, store.open("INBOX").status().nextUid(), "NEXTUID = legacy UIDNEXT");
    Map<String, String> state = store.open("INBOX").dovetailState();
    assertEquals("complete", state.get(MigrationState.STATE));
    assertEquals("40", state.get(MigrationState.LEGACY_UIDNEXT));
    assertEquals("777", state.get(MigrationState.LEGACY_HIGHESTMODSEQ));
    assertEquals("1234567890", state.get(MigrationState.LEGACY_UIDVALIDITY));
  }

  @Test
  void aCompleteFolderIsNotReadFromTheLegacyServerAgain() {
    skeleton();
    run();
    inbox.add(50, FakeLegacy.message("Subject: late\r\n\r\n"));
    legacy.log.clear();
    FolderResult r = run();
    assertEquals(Outcome.COMPLETE, r.outcome());
    assertEquals(List.of(), legacy.log, "the store is the master once a folder is complete");
  }

  @Test
  void keepsForeignStateKeys() {
    skeleton();
    Mailbox box = store.open("INBOX");
    box.writeDovetailState(MigrationState.merge(box.dovetailState(), Map.of("frontend.modseq", "12")));
    run();
    assertEquals("12", store.open("INBOX").dovetailState().get("frontend.modseq"));
  }

  @Test
  void aDeadConnectionKeepsWhatArrivedAndTheNextRunResumesAfterTheLastCommittedUid() throws IOException {
    skeleton();
    legacy.dieAfterBodies = 5; // dies while sending the 5th body (UID 9)
    LegacyException e = assertThrows(LegacyException.class, this::run);
    assertEquals(LegacyException.Kind.UNAVAILABLE, e.kind());
    assertEquals(List.of(2L, 3L, 5L, 8L), storedUids(), "whole messages are committed, nothing else");
    assertEquals("partial", store.open("INBOX").dovetailState().get(MigrationState.STATE));

    legacy.log.clear();
    FolderResult r = run();
    assertEquals(Outcome.COMPLETE, r.outcome(), r.reason());
    assertTrue(legacy.log.contains("FETCH BODIES INBOX 6"), "resumes after the last committed UID: " + legacy.log);
    assertExactCopy();
  }

  @Test
  void aResumedRunTakesTheLegacyExpungesAndFlagChangesOfWhatAnEarlierRunCopied() throws IOException {
    skeleton();
    legacy.dieAfterBodies = 5;
    assertThrows(LegacyException.class, this::run);
    assertEquals(List.of(2L, 3L, 5L, 8L), storedUids());
    // Meanwhile a device still at the legacy server deletes one copied message and flags two others.
    inbox.messages.remove(5L);
    inbox.messages.get(2L).flags(Set.of("\\Seen", "\\Flagged"), Set.of("Later"));
    inbox.messages.get(3L).flags(Set.of("\\Seen"), Set.of());

    FolderResult r = run();
    assertEquals(Outcome.COMPLETE, r.outcome(), r.reason());
    assertExactCopy();
    Mailbox box = store.open("INBOX");
    assertEquals(Set.of(SystemFlag.SEEN, SystemFlag.FLAGGED), box.message(2).orElseThrow().flags().system());
    assertEquals(Set.of(SystemFlag.SEEN), box.message(3).orElseThrow().flags().system());
    assertEquals(Set.of(), box.message(3).orElseThrow().flags().keywords());
  }

  @Test
  void aResumeKeepsWhatAnEarlierRunCopiedWhenTheLegacyServerListsFewerMessagesThanItCounts() {
    skeleton();
    legacy.dieAfterBodies = 5;
    assertThrows(LegacyException.class, this::run);
    legacy.beforeMetadata = () -> inbox.messages.remove(3L); // after EXAMINE counted it: expunged while listing

    FolderResult r = run();
    assertEquals(Outcome.COMPLETE, r.outcome(), r.reason());
    assertTrue(storedUids().contains(3L), "a message missing from a short listing is no expunge: " + storedUids());
  }

  @Test
  void commitsEveryIntervalMessages() {
    skeleton();
    List<Integer> visible = new ArrayList<>();
    MigrationListener watcher = new MigrationListener() {
      @Override
      public void progress(Progress p) {
        visible.add(store.open("INBOX").status().messages());
      }
    };
    try (LegacyImapSession s = legacy.open("alice")) {
      new FolderMigration(store.open("INBOX"), options, watcher, Clock.systemUTC()).run(s);
    }
    assertEquals(List.of(0, 0, 3, 3, 3, 6, 6, 6, 9, 9), visible);
  }

  @Test
  void aChangedUidValidityStopsLoudlyAndMixesNothing() {
    skeleton();
    legacy.dieAfterBodies = 3;
    assertThrows(LegacyException.class, this::run);
    List<Long> before = storedUids();
    inbox.uidValidity = 99;
    FolderResult r = run();
    assertEquals(Outcome.FAILED, r.outcome());
    assertTrue(r.reason().contains("changed from 1234567890 to 99"), r.reason());
    assertTrue(r.reason().contains("INBOX"), r.reason());
    assertEquals(before, storedUids());
    assertEquals("failed", store.open("INBOX").dovetailState().get(MigrationState.STATE));
    assertEquals(1234567890L, store.open("INBOX").status().uidValidity());
  }

  @Test
  void aChangedUidValidityBeforeAnythingWasCopiedIsTakenOver() throws IOException {
    // Courier without a UID database: the skeleton's session and the migration's see two values.
    skeleton();
    inbox.uidValidity = 99;
    FolderResult r = run();
    assertEquals(Outcome.COMPLETE, r.outcome(), r.reason());
    assertEquals(99L, store.open("INBOX").status().uidValidity());
    assertEquals("99", store.open("INBOX").dovetailState().get(MigrationState.LEGACY_UIDVALIDITY));
    assertExactCopy();
  }

  /** Review 21, F2: the old value's NEXTUID (raised by a message written and expunged here) took the new value's UIDs. */
  @Test
  void aTakenOverUidValidityStartsItsUidsAgain() throws IOException {
    skeleton();
    Mailbox local = store.open("INBOX");
    local.append(dovetail.store.MessageMeta.withUid(30, java.time.Instant.parse("2024-01-01T00:00:00Z"),
        dovetail.store.Flags.NONE), new java.io.ByteArrayInputStream("Subject: here\r\n\r\nx\r\n".getBytes()));
    local.expunge(List.of(30L));
    inbox.uidValidity = 99;
    FolderResult r = run();
    assertEquals(Outcome.COMPLETE, r.outcome(), r.reason());
    assertEquals(99L, store.open("INBOX").status().uidValidity());
    assertExactCopy();
  }

  @Test
  void aRunKilledAfterTakingOverAChangedUidValidityIsFinishedByTheNext() throws IOException {
    skeleton();
    inbox.uidValidity = 99;
    // The kill came after the state was written, before the folder was given the value.
    store.open("INBOX").updateDovetailState(s -> MigrationState.merge(s, Map.of(MigrationState.LEGACY_UIDVALIDITY, "99")));
    FolderResult r = run();
    assertEquals(Outcome.COMPLETE, r.outcome(), r.reason());
    assertEquals(99L, store.open("INBOX").status().uidValidity());
    assertExactCopy();
  }

  @Test
  void anUndeliverableMessageStopsTheFolderThereAndTheNextRunRetriesIt() throws IOException {
    skeleton();
    legacy.refuse.put(10L, 2); // the batch and the retry alone
    FolderResult r = run();
    assertEquals(Outcome.PARTIAL, r.outcome());
    assertEquals(List.of(10L), r.undeliverable().stream().map(Undeliverable::uid).toList());
    assertTrue(r.reason().contains("UID 10"), r.reason());
    assertEquals(List.of(2L, 3L, 5L, 8L, 9L), storedUids(), "nothing above the undeliverable UID");
    assertTrue(store.open("INBOX").status().nextUid() <= 10, "NEXTUID never passes an undelivered UID");
    Map<String, String> state = store.open("INBOX").dovetailState();
    assertEquals("partial", state.get(MigrationState.STATE));
    assertEquals("10", state.get(MigrationState.FAILED_UID));
    assertTrue(state.get(MigrationState.FAILED_REASON).contains("cannot read it"), state.toString());

    FolderResult again = run();
    assertEquals(Outcome.COMPLETE, again.outcome(), again.reason());
    assertExactCopy();
    assertFalse(store.open("INBOX").dovetailState().containsKey(MigrationState.FAILED_UID));
  }

  @Test
  void aMessageRefusedOnceIsFetchedAgainOnItsOwn() throws IOException {
    skeleton();
    legacy.refuse.put(8L, 1);
    assertEquals(Outcome.COMPLETE, run().outcome());
    assertExactCopy();
  }

  @Test
  void withSkipUndeliverableTheFolderCompletesWithoutTheMessageAndRecordsIt() {
    skeleton();
    options = options.withSkipUndeliverable(true);
    legacy.refuse.put(10L, 100);
    FolderResult r = run();
    assertEquals(Outcome.COMPLETE, r.outcome());
    assertEquals(List.of(10L), r.undeliverable().stream().map(Undeliverable::uid).toList());
    assertFalse(storedUids().contains(10L));
    assertEquals(9, storedUids().size());
    assertTrue(store.open("INBOX").dovetailState().get(MigrationState.SKIPPED_PREFIX + "10").contains("cannot read it"));
  }

  @Test
  void theConnectionDyingTwiceOnOneMessageMakesItUndeliverable() {
    skeleton();
    legacy.dieOn.put(14L, 5);
    FolderMigration m = new FolderMigration(store.open("INBOX"), options, MigrationListener.NONE, Clock.systemUTC());
    try (LegacyImapSession s = legacy.open("alice")) {
      assertThrows(LegacyException.class, () -> m.run(s));
    }
    try (LegacyImapSession s = legacy.open("alice")) {
      FolderResult r = m.run(s);
      assertEquals(Outcome.PARTIAL, r.outcome());
      assertEquals(14L, r.undeliverable().get(0).uid());
      assertTrue(r.undeliverable().get(0).reason().contains("dropped the connection twice"), r.toString());
      assertTrue(m.sessionBroken());
    }
    assertEquals(List.of(2L, 3L, 5L, 8L, 9L, 10L), storedUids());
    assertEquals("14", store.open("INBOX").dovetailState().get(MigrationState.FAILED_UID));
  }

  @Test
  void aMessageExpungedOnTheLegacySideMeanwhileIsNotAFailure() {
    skeleton();
    legacy.vanishing.add(9L);
    FolderResult r = run();
    assertEquals(Outcome.COMPLETE, r.outcome(), r.reason());
    assertFalse(storedUids().contains(9L));
    assertEquals(40, store.open("INBOX").status().nextUid());
  }

  @Test
  void emptyHeaderWorkaroundFetchesAnEmptyBodyAgain() throws IOException {
    skeleton();
    options = options.withEmptyHeaderWorkaround(true);
    legacy.empty.put(5L, 1);
    assertEquals(Outcome.COMPLETE, run().outcome());
    assertExactCopy();
  }

  @Test
  void emptyHeaderWorkaroundTreatsABodyEmptyTwiceAsUndeliverable() {
    skeleton();
    options = options.withEmptyHeaderWorkaround(true);
    legacy.empty.put(5L, 2);
    FolderResult r = run();
    assertEquals(Outcome.PARTIAL, r.outcome());
    assertEquals(5L, r.undeliverable().get(0).uid());
    assertTrue(r.undeliverable().get(0).reason().contains("empty-header-workaround"), r.toString());
    assertEquals(List.of(2L, 3L), storedUids());
  }

  @Test
  void withoutTheWorkaroundTheBytesWinEvenWhenEmpty() {
    skeleton();
    legacy.empty.put(5L, 1);
    assertEquals(Outcome.COMPLETE, run().outcome());
    assertEquals(0, store.open("INBOX").message(5).orElseThrow().size());
  }

  @Test
  void aWrongRfc822SizeIsAWarningAndTheBytesAreStored() throws IOException {
    skeleton();
    inbox.messages.get(8L).reportedSize = 99999; // Exchange reports the stored size
    assertEquals(Outcome.COMPLETE, run().outcome());
    assertExactCopy();
  }

  @Test
  void aHeaderOnlyMessageWithTheWorkaroundIsStoredWhenItsSizeMatches() throws IOException {
    inbox.add(30, FakeLegacy.message("\r\nno header at all\r\n"));
    skeleton();
    options = options.withEmptyHeaderWorkaround(true);
    assertEquals(Outcome.COMPLETE, run().outcome());
    assertExactCopy();
  }

  @Test
  void keywordsBeyondWhatMaildirHoldsAreDroppedNotFatal() {
    for (int i = 0; i < 30; i++) {
      inbox.add(100 + i, FakeLegacy.message("Subject: k" + i + "\r\n\r\n").flags(Set.of(), Set.of("kw" + i)));
    }
    skeleton();
    FolderResult result = run();
    assertEquals(Outcome.COMPLETE, result.outcome());
    long withKeyword = store.open("INBOX").messages().stream().filter(m -> !m.flags().keywords().isEmpty()).count();
    assertEquals(25, withKeyword, "UID 3's two keywords and 24 new ones fill the 26 letters");
    assertEquals(List.of("6 flag(s) not copied, Maildir cannot hold them: kw24 kw25 kw26 kw27 kw28 kw29"),
        result.warnings(), "nothing is dropped silently");
    assertEquals("6", store.open("INBOX").dovetailState().get(MigrationState.FLAGS_DROPPED));
    assertEquals("kw24 kw25 kw26 kw27 kw28 kw29",
        store.open("INBOX").dovetailState().get(MigrationState.FLAGS_DROPPED_NAMES));
  }

  @Test
  void aLegacyFolderThatVanishedFailsLoudly() {
    legacy.folder("Old", 5).add(1, FakeLegacy.message("Subject: x\r\n\r\n"));
    skeleton();
    legacy.folders.remove("Old");
    try (LegacyImapSession s = legacy.open("alice")) {
      FolderResult r = new FolderMigration(store.open("Old"), options, MigrationListener.NONE, Clock.systemUTC()).run(s);
      assertEquals(Outcome.FAILED, r.outcome());
      assertTrue(r.reason().contains("no longer exists"), r.reason());
      // What to do about it (walk-through 8, W4: the error said nothing of it).
      assertTrue(r.reason().contains("delete this folder (a client's DELETE, or move it out of the store; it holds 0"
          + " messages), then run `dovetail migrate -u USER`"), r.reason());
      assertFalse(r.reason().contains(".."), r.reason()); // the server's full stop and ours (walk-through 17, F4)
    }
  }
}
