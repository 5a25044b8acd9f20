package dovetail.migrator.copy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dovetail.conf.FsyncMode;
import dovetail.migrator.source.FolderNameMapper;
import dovetail.migrator.source.LegacyException;
import dovetail.migrator.source.LegacyImapSession;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.StoredMessage;
import dovetail.store.SystemFlag;
import dovetail.store.UidlFormat;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Review 18, N3: a legacy folder that held no message when it was migrated and has a new UIDVALIDITY once mail
 * reaches it (Courier creates its UID database then; a folder deleted and made again there): all its mail is late,
 * merged under the new value; the refusal stays where migrated or merged mail could mix with it.
 */
class LateMailUidValidityTest {
  private static final long SET_UP = 200;
  @TempDir Path tmp;
  private MailStore store;
  private FakeLegacy legacy;
  private FakeLegacy.Folder sent;
  private FakeLegacy.Folder inbox;

  @BeforeEach
  void setUp() {
    store = MaildirStore.open(tmp.resolve("Maildir"), StoreOptions.DEFAULT.withFsync(FsyncMode.NEVER));
    legacy = new FakeLegacy('/');
    inbox = legacy.folder("INBOX", 100).add(1, FakeLegacy.message("Subject: old\r\n\r\nold\r\n"));
    sent = legacy.folder("Sent", SET_UP);
    sent.uidNext = 5; // emptied before the migration: UIDs 1 to 4 were given out under SET_UP
    try (LegacyImapSession s = legacy.open("alice")) {
      new UserSkeleton(store, new FolderNameMapper(""), Clock.systemUTC()).build(s, Set.of());
    }
  }

  @Test
  void aFolderMigratedEmptyTakesEveryMessageUnderANewUidValidityAsLateMail() throws IOException {
    migrate("Sent");
    assertEquals("true", state("Sent").get(LateMailState.MIGRATED_EMPTY));
    renew(sent, 300);
    FakeLegacy.Message first = late(sent, 1, "first");
    late(sent, 2, "second");

    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger logger = (Logger) LoggerFactory.getLogger(LateMailMerge.class);
    Level level = logger.getLevel();
    logger.setLevel(Level.INFO);
    logger.addAppender(log);
    LateMailMerge.Result r;
    try {
      r = check("Sent");
      check("Sent");
    } finally {
      logger.detachAppender(log);
      logger.setLevel(level);
    }
    assertEquals(1, log.list.stream().filter(e -> e.getLevel() == Level.INFO
        && e.getFormattedMessage().contains("UIDVALIDITY changed from 200 to 300")).count(), "one INFO line: " + log.list);
    assertEquals("", r.problem(), r.toString());
    assertEquals(2, r.merged());
    Mailbox box = store.open("Sent");
    assertEquals(SET_UP, box.status().uidValidity(), "the folder keeps the UIDVALIDITY it was set up with");
    // Legacy UIDs 1 and 2 are below NEXTUID 5 (given out under SET_UP): both get new UIDs.
    assertEquals(List.of(5L, 6L), box.messages().stream().map(StoredMessage::uid).toList());
    StoredMessage m = box.message(5).orElseThrow();
    assertEquals(first.date, m.internalDate());
    assertTrue(m.flags().has(SystemFlag.SEEN));
    assertEquals(Set.of("Work"), m.flags().keywords());
    assertArrayEquals(first.bytes, bytes(box, 5));
    Map<String, String> state = state("Sent");
    assertEquals("300", state.get(LateMailState.UIDVALIDITY));
    assertEquals(Long.toString(SET_UP), state.get(MigrationState.LEGACY_UIDVALIDITY), "reruns and verify compare it");
    assertEquals("3", state.get(MigrationState.LEGACY_UIDNEXT));
    assertNull(state.get(LateMailState.ERROR));

    late(sent, 3, "third");
    LateMailMerge.Result again = check("Sent");
    assertEquals(1, again.merged(), again.toString());
    assertEquals(List.of(5L, 6L, 7L), store.open("Sent").messages().stream().map(StoredMessage::uid).toList());
    assertEquals(0, check("Sent").merged(), "nothing is merged twice");
  }

  /**
   * Review 19, F3: under an adopted UIDVALIDITY no client knows the legacy UIDs in this folder, so a local message
   * (delivered or appended here since) keeps its UID; late mail goes after it.
   */
  @Test
  void localMailKeepsItsUidsUnderAnAdoptedUidValidity() throws IOException {
    migrate("Sent");
    Mailbox box = store.open("Sent");
    for (int i = 0; i < 3; i++) {
      box.append(MessageMeta.next(Instant.parse("2024-07-02T09:00:00Z"), Flags.NONE),
          new ByteArrayInputStream(("Subject: local " + i + "\r\n\r\nlocal\r\n").getBytes(StandardCharsets.US_ASCII)));
    }
    List<Long> local = store.open("Sent").messages().stream().map(StoredMessage::uid).toList();
    assertEquals(List.of(5L, 6L, 7L), local);
    renew(sent, 300);
    late(sent, 5, "late five");
    late(sent, 6, "late six");

    LateMailMerge.Result r = check("Sent");
    assertEquals(2, r.merged(), r.toString());
    assertEquals(0, r.renumbered(), "a local message was renumbered for a UID no client knows here");
    assertEquals(List.of(5L, 6L, 7L, 8L, 9L), store.open("Sent").messages().stream().map(StoredMessage::uid).toList());
    assertTrue(new String(bytes(store.open("Sent"), 5), StandardCharsets.US_ASCII).contains("local 0"));
  }

  /**
   * Without a legacy POP3 server, Dovetail takes the legacy server to show pop3_uidl_format at the message's UID and
   * UIDVALIDITY (as for migrated mail): under an adopted UIDVALIDITY that is not the store's, so it is stored as P.
   */
  @Test
  void aLateInboxMessageUnderTheAdoptedValueShowsTheUidlOfThatValue() {
    inbox.messages.clear(); // emptied before the migration
    migrate("INBOX");
    renew(inbox, 300);
    late(inbox, 1, "first");
    late(inbox, 2, "second");
    assertEquals(2, check("INBOX").merged());
    UidlFormat format = UidlFormat.parse(UidlFormat.DOVECOT_DEFAULT);
    Mailbox box = store.open("INBOX");
    assertEquals(List.of(format.forUid(300, 1), format.forUid(300, 2)),
        box.messages().stream().map(m -> format.uidl(box.uidValidity(), m)).toList());
  }

  @Test
  void aCheckKilledAfterTheNewValueWasAdoptedResumesFromLegacyUidOne() {
    migrate("Sent");
    renew(sent, 300);
    late(sent, 1, "first");
    late(sent, 2, "second");
    legacy.beforeMetadata = () -> {
      throw new LegacyException(LegacyException.Kind.UNAVAILABLE, "fake: killed");
    };
    assertThrows(LegacyException.class, () -> check("Sent"));
    assertEquals("300", state("Sent").get(LateMailState.UIDVALIDITY));
    assertEquals("1", state("Sent").get(MigrationState.LEGACY_UIDNEXT));

    legacy.beforeMetadata = () -> {};
    renew(sent, 400); // and made again once more before anything was merged: still all late
    late(sent, 1, "first again");
    LateMailMerge.Result r = check("Sent");
    assertEquals("", r.problem(), r.toString());
    assertEquals(1, r.merged());
    assertEquals("400", state("Sent").get(LateMailState.UIDVALIDITY));
    assertEquals(1, store.open("Sent").messages().size());
  }

  @Test
  void aFolderThatHeldMessagesAtMigrationStillRefusesANewUidValidity() {
    migrate("INBOX");
    assertEquals("false", state("INBOX").get(LateMailState.MIGRATED_EMPTY));
    renew(inbox, 300);
    late(inbox, 1, "late");
    LateMailMerge.Result r = check("INBOX");
    assertTrue(r.problem().contains("cannot be told from the migrated mail"), r.toString());
    assertEquals(0, r.merged());
    assertNull(state("INBOX").get(LateMailState.UIDVALIDITY));
    assertEquals(1, store.open("INBOX").messages().size());
  }

  @Test
  void lateMailMergedBeforeTheChangeKeepsTheRefusal() {
    migrate("Sent");
    late(sent, 5, "under the old value");
    assertEquals(1, check("Sent").merged());
    renew(sent, 300);
    late(sent, 1, "under the new value");
    LateMailMerge.Result r = check("Sent");
    assertTrue(r.problem().contains("cannot be told"), r.toString());
    assertEquals(1, store.open("Sent").messages().size());
    assertNull(state("Sent").get(LateMailState.UIDVALIDITY));
  }

  @Test
  void aLateMessageWhoseCommitAKillLeftUncountedKeepsTheRefusal() {
    migrate("Sent");
    Mailbox box = store.open("Sent");
    StoredMessage landed = box.append(MessageMeta.withUid(5, Instant.parse("2024-07-01T09:00:00Z"), Flags.NONE),
        new ByteArrayInputStream("Subject: landed\r\n\r\n".getBytes()));
    box.updateDovetailState(s -> MigrationState.merge(s, Map.of(LateMailState.PENDING, "late 5 " + landed.uid())));
    renew(sent, 300);
    late(sent, 1, "under the new value");
    assertTrue(check("Sent").problem().contains("cannot be told"));
  }

  @Test
  void aFolderCompletedBeforeTheRecordCountsAsEmptyOnlyWhenItsLegacyUidNextWasOne() {
    sent.uidNext = 1;
    legacy.folder("Drafts", 210).uidNext = 7;
    try (LegacyImapSession s = legacy.open("alice")) {
      new UserSkeleton(store, new FolderNameMapper(""), Clock.systemUTC()).build(s, Set.of());
    }
    migrate("Sent");
    migrate("Drafts");
    for (String folder : List.of("Sent", "Drafts")) {
      Mailbox box = store.open(folder);
      Map<String, String> without = new HashMap<>(box.dovetailState());
      without.remove(LateMailState.MIGRATED_EMPTY);
      box.writeDovetailState(without);
      FakeLegacy.Folder f = legacy.folders.get(folder);
      renew(f, 300);
      late(f, 1, "late");
    }
    assertEquals(1, check("Sent").merged(), "legacy UIDNEXT 1 at completion: nothing was in it");
    assertTrue(check("Drafts").problem().contains("cannot be told"), "UIDNEXT 7: it may have held mail");
    assertFalse(store.open("Drafts").dovetailState().containsKey(LateMailState.UIDVALIDITY));
  }

  /** Review 19, F2: the folder made again between the check's STATUS and its EXAMINE, whose UIDs are the ones fetched. */
  @Test
  void aFolderMadeAgainBetweenStatusAndExamineIsNotMergedUnderTheStatusValue() throws IOException {
    migrate("Sent");
    renew(sent, 300);
    late(sent, 1, "late under 300");
    legacy.afterStatus = () -> {
      legacy.afterStatus = () -> {};
      renew(sent, 400);
      late(sent, 1, "late under 400 #1");
      late(sent, 2, "late under 400 #2");
    };
    LateMailMerge.Result r = check("Sent");
    assertFalse(r.checked(), r.toString());
    assertTrue(r.problem().contains("changed during the check"), r.problem());
    assertEquals(List.of(), store.open("Sent").messages());
    assertNull(state("Sent").get(LateMailState.UIDVALIDITY), "nothing adopted");

    late(sent, 3, "late under 400 #3");
    LateMailMerge.Result again = check("Sent");
    assertEquals(3, again.merged(), again.toString());
    assertEquals("400", state("Sent").get(LateMailState.UIDVALIDITY));
    assertNull(state("Sent").get(LateMailState.ERROR));
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private void migrate(String folder) {
    try (LegacyImapSession s = legacy.open("alice")) {
      FolderResult r = new FolderMigration(store.open(folder), MigrationOptions.defaults(), MigrationListener.NONE,
          Clock.systemUTC()).run(s);
      assertEquals(FolderResult.Outcome.COMPLETE, r.outcome(), r.reason());
    }
  }

  private LateMailMerge.Result check(String folder) {
    try (LegacyImapSession s = legacy.open("alice")) {
      return new LateMailMerge(store.open(folder), Pop3Uidls.NONE, UidlFormat.parse(UidlFormat.DOVECOT_DEFAULT), Clock.systemUTC())
          .run(s);
    }
  }

  /** The legacy folder deleted and made again (or Courier's UID database created): a new UIDVALIDITY, from UID 1. */
  private static void renew(FakeLegacy.Folder f, long uidValidity) {
    f.uidValidity = uidValidity;
    f.messages.clear();
    f.uidNext = 1;
  }

  private static FakeLegacy.Message late(FakeLegacy.Folder f, long uid, String subject) {
    FakeLegacy.Message m = FakeLegacy.message("Subject: " + subject + "\r\n\r\nbody of " + subject + "\r\n")
        .flags(Set.of("\\Seen"), Set.of("Work"));
    m.date = Instant.parse("2024-07-01T09:00:00Z").plusSeconds(uid);
    f.add(uid, m);
    return m;
  }

  private Map<String, String> state(String folder) {
    return store.open(folder).dovetailState();
  }

  private static byte[] bytes(Mailbox box, long uid) throws IOException {
    try (InputStream in = box.openContent(uid)) {
      return in.readAllBytes();
    }
  }
}
