package dovetail.migrator.service;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.conf.FsyncMode;
import dovetail.conf.Settings;
import dovetail.migrator.copy.Backup;
import dovetail.migrator.copy.ConnectionLimiter;
import dovetail.migrator.copy.FolderResult;
import dovetail.migrator.copy.LateMailMerge;
import dovetail.migrator.copy.LateMailState;
import dovetail.migrator.copy.MigrationListener;
import dovetail.migrator.copy.MigrationState;
import dovetail.migrator.verify.Difference;
import dovetail.migrator.verify.UserVerifier;
import dovetail.migrator.verify.VerifyReport;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.StoredMessage;
import dovetail.store.SystemFlag;
import dovetail.store.UidlFormat;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.Forwarder;
import dovetail.store.dovecot.ImapProbe;
import dovetail.store.dovecot.Pop3Probe;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The cut-over window (issue #8) against real Dovecot 2.3 as the legacy server (master user): mail APPENDed on the
 * legacy server after a folder was migrated is merged with its legacy UID when the rule allows; a local message that
 * took that UID meanwhile is renumbered, and so is the late one; outside the window no legacy connection is made;
 * the sweeper merges within its rescan period. Each test uses its own legacy folder, so they do not meet.
 */
class LateMailDovecotIT {
  private static final String USER = "erin";
  private static final String MASTER = "master";
  private static final String MASTER_PASSWORD = "master-secret";
  private static final List<String> FOLDERS = List.of("INBOX", "Keep", "Clash", "Closed", "Swept", "Pending", "Twice",
      "Below", "Gone", "Later", "Stopped", "Emptied", "Rebuilt");
  /** Legacy folders without a message: "Fresh" had UIDs 1 to 3 given out and expunged before the migration. */
  private static final Map<String, Long> EMPTY_FOLDERS = Map.of("Fresh", 4L, "Drafted", 1L);
  @TempDir static Path shared;
  private static DovecotServer legacy;

  @BeforeAll
  static void startLegacy() {
    DovecotServer.assumeInstalled();
    Path dir = shared.resolve("legacy");
    MailStore store = MaildirStore.open(DovecotServer.maildir(dir, USER), StoreOptions.DEFAULT.withFsync(FsyncMode.NEVER));
    int n = 0;
    for (String folder : FOLDERS) {
      Mailbox box = store.create(folder, 500 + n++, 1);
      try (MailboxTransaction tx = box.begin()) {
        for (long uid = 1; uid <= 3; uid++) {
          tx.add(MessageMeta.withUid(uid, Instant.parse("2024-05-01T10:00:00Z").plusSeconds(uid), Flags.of(SystemFlag.SEEN)),
              body(folder + " old " + uid));
        }
        tx.commit();
      }
    }
    EMPTY_FOLDERS.forEach((folder, uidNext) -> store.create(folder, 600 + uidNext, uidNext));
    legacy = DovecotServer.builder(dir).user(USER, "erin-pw").masterUser(MASTER, MASTER_PASSWORD)
        .autoCreateSpecialUse(false).start();
  }

  @AfterAll
  static void stopLegacy() {
    if (legacy != null) {
      legacy.close();
    }
  }

  @Test
  void lateLegacyMailIsMergedUnderItsLegacyUidWhenNoLocalMessageHasIt(@TempDir Path tmp) throws Exception {
    Settings settings = settings(tmp, "sweeper = no", "legacy_sync_window = 72h");
    try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
      migrate(service, "Keep");
      long recorded = Long.parseLong(store(settings).open("Keep").dovetailState().get(MigrationState.LEGACY_UIDNEXT));
      long legacyUid = appendOnLegacy("Keep", "Keep late 1", List.of("\\Flagged", "Work"));
      assertEquals(recorded, legacyUid, "the legacy server numbers on from where the migration stopped");

      LateMailReport report = service.syncLateMail(USER, List.of("Keep"));
      assertEquals(Optional.empty(), report.abortReason());
      assertEquals(1, report.merged(), report.toString());
      Mailbox keep = store(settings).open("Keep");
      StoredMessage late = keep.message(legacyUid).orElseThrow(() -> new AssertionError("not under its legacy UID"));
      assertEquals("Keep late 1", subject(keep, late.uid()));
      assertTrue(late.flags().has(SystemFlag.FLAGGED), late.flags().toString());
      assertEquals(Set.of("Work"), late.flags().keywords());
      assertEquals(legacyUid + 1, keep.status().nextUid());

      FolderStatus status = byName(service.status(USER), "Keep");
      assertEquals(1, status.lateMerged());
      assertTrue(status.legacyChecked().isPresent(), status.toString());

      LateMailReport again = service.syncLateMail(USER, List.of("Keep"));
      assertEquals(0, again.merged(), "a second check finds nothing new: " + again);
      assertEquals(4, store(settings).open("Keep").messages().size());
    }
  }

  @Test
  void aLocalMessageHoldingTheLateMessagesUidIsRenumberedAndSoIsTheLateMessage(@TempDir Path tmp) throws Exception {
    Settings settings = settings(tmp, "sweeper = no", "legacy_sync_window = 72h");
    try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
      migrate(service, "Clash");
      Mailbox clash = store(settings).open("Clash");
      // A delivery to Dovetail takes the next UID, the one the legacy server hands out next as well.
      StoredMessage local = clash.append(MessageMeta.next(Instant.parse("2024-06-01T08:00:00Z"),
          Flags.of(SystemFlag.ANSWERED).withKeywords("Local")), body("Clash local delivery"));
      long legacyUid = appendOnLegacy("Clash", "Clash late legacy", List.of());
      assertEquals(local.uid(), legacyUid, "the test needs the two servers to hand out the same UID");

      LateMailReport report = service.syncLateMail(USER, List.of());
      LateMailMerge.Result r = report.folders().stream().filter(f -> f.folder().equals("Clash")).findFirst().orElseThrow();
      assertEquals(1, r.merged(), report.toString());
      assertEquals(1, r.renumbered(), report.toString());

      Mailbox after = store(settings).open("Clash");
      assertTrue(after.message(legacyUid).isEmpty(), "UID " + legacyUid + " names neither message any more");
      List<StoredMessage> above = after.messages().stream().filter(m -> m.uid() > legacyUid).toList();
      assertEquals(2, above.size(), above.toString());
      StoredMessage renumbered = above.get(0);
      StoredMessage merged = above.get(1);
      assertEquals("Clash local delivery", subject(after, renumbered.uid()));
      assertEquals(Flags.of(SystemFlag.ANSWERED).withKeywords("Local"), renumbered.flags(), "flags kept");
      assertEquals(local.internalDate(), renumbered.internalDate());
      assertEquals("Clash late legacy", subject(after, merged.uid()));
      assertEquals(3 + 2, after.messages().size(), "nothing lost, nothing doubled");
      // Both servers showed one UIDL at that UID, each for its own message: neither keeps it (walk-through 5, F4: the
      // delivery kept it, so a keep client still on the legacy host, holding it for the late message, never got the
      // delivery and fetched the late message twice).
      UidlFormat uidls = UidlFormat.parse("%08Xu%08Xv");
      String shared = uidls.forUid(after.status().uidValidity(), legacyUid);
      assertNotEquals(shared, uidls.uidl(after.status().uidValidity(), renumbered), "the delivery gave up the UIDL");
      assertNotEquals(shared, uidls.uidl(after.status().uidValidity(), merged), "the late message did not take it");
      assertEquals(1, byName(service.status(USER), "Clash").lateMerged());

      // verify explains where both went instead of calling the legacy message missing, and counts no difference.
      VerifyReport verified = UserVerifier.of(settings, USER).verify(USER);
      assertEquals(List.of(), differences(verified, "Clash"));
      List<Difference> clashNotes = verified.renumbered().stream().filter(n -> n.folder().equals("Clash")).toList();
      assertEquals(1, clashNotes.size(), clashNotes.toString());
      Difference d = clashNotes.get(0);
      assertEquals(Difference.Kind.RENUMBERED, d.kind());
      assertEquals(legacyUid, d.uid());
      assertTrue(d.detail().contains("merged as UID " + merged.uid()) && d.detail().contains("renumbered to UID "
          + renumbered.uid()), d.detail());
    }
  }

  /**
   * Walk-through 5, F10: a legacy folder deleted after its migration stopped the check of every folder after it (for
   * {@code sync -1} and the sweeper alike), so their late mail was never merged. It is one folder's problem now.
   */
  @Test
  void aLegacyFolderGoneSinceIsOneFoldersProblemAndTheOthersAreStillChecked(@TempDir Path tmp) throws Exception {
    Settings settings = settings(tmp, "sweeper = no", "legacy_sync_window = 72h");
    try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
      migrate(service, "Gone");
      migrate(service, "Later");
      try (ImapProbe imap = ImapProbe.login(legacy, USER)) {
        imap.delete("Gone");
      }
      long legacyUid = appendOnLegacy("Later", "Later late 1", List.of());

      LateMailReport report = service.syncLateMail(USER, List.of());
      assertEquals(Optional.empty(), report.abortReason(), report.toString());
      LateMailMerge.Result gone = report.folders().stream().filter(f -> f.folder().equals("Gone")).findFirst()
          .orElseThrow(() -> new AssertionError("Gone not reported: " + report));
      assertTrue(gone.problem().contains("the legacy folder Gone cannot be checked"), gone.toString());
      LateMailMerge.Result later = report.folders().stream().filter(f -> f.folder().equals("Later")).findFirst()
          .orElseThrow(() -> new AssertionError("Later not checked: " + report));
      assertEquals(1, later.merged(), report.toString());
      assertTrue(store(settings).open("Later").message(legacyUid).isPresent(), "the late message is in the store");
      assertEquals(3, store(settings).open("Gone").messages().size(), "the migrated messages stay");
      // The runbook watches legacy_checked move as proof that the checks run: a check that could not run is no check.
      assertTrue(byName(service.status(USER), "Later").legacyChecked().isPresent());
      assertTrue(byName(service.status(USER), "Gone").legacyChecked().isEmpty(), service.status(USER).toString());
      assertFalse(byName(service.status(USER), "Gone").error().isEmpty(), "the reason is shown instead");
    }
  }

  @Test
  void outsideTheWindowNoLegacyConnectionIsMadeAndNothingIsFetched(@TempDir Path tmp) throws Exception {
    Settings settings = settings(tmp, "sweeper = no", "legacy_sync_window = 1h");
    MovableClock clock = new MovableClock(Instant.now());
    try (MigrationService service = MigrationService.create(settings, user -> Backup.store(settings, user),
        new ConnectionLimiter(4), clock, MigrationService.Options.defaults())) {
      migrate(service, "Closed");
      long legacyUid = appendOnLegacy("Closed", "Closed late", List.of());

      clock.advance(Duration.ofHours(1).plusSeconds(1));
      long logins = legacyLogins();
      assertTrue(logins > 0, "the log shows the migration's logins, so it would show another one");
      service.lateMailOnAccess(USER, "Closed");
      assertEquals(logins, legacyLogins(), "no legacy login after the window closed");
      assertTrue(store(settings).open("Closed").message(legacyUid).isEmpty());
      assertTrue(byName(service.status(USER), "Closed").legacyChecked().isEmpty());

      // The same folder, the same late message, inside the window: the access does fetch it (the test can fail).
      clock.advance(Duration.ofHours(-1));
      service.lateMailOnAccess(USER, "Closed");
      assertTrue(store(settings).open("Closed").message(legacyUid).isPresent(), "merged inside the window");
    }
  }

  @Test
  void theSweeperMergesLateMailWithinItsRescanPeriod(@TempDir Path tmp) throws Exception {
    Path users = Files.writeString(tmp.resolve("users.txt"), USER + "\n");
    Settings settings = settings(tmp, "sweeper = yes", "sweeper_users = " + users, "legacy_sync_window = 72h");
    try (MigrationService service = MigrationService.create(settings, user -> Backup.store(settings, user),
        new ConnectionLimiter(4), Clock.systemUTC(), MigrationService.Options.defaults()
            .withRescanPeriod(Duration.ofMillis(200)))) {
      service.awaitSweeperRounds(1);
      assertTrue(service.status(USER).complete(), service.status(USER).toString());
      long legacyUid = appendOnLegacy("Swept", "Swept late", List.of("\\Seen"));
      service.awaitSweeperRounds(3); // the round running when the APPEND happened may have checked just before it
      StoredMessage m = store(settings).open("Swept").message(legacyUid).orElseThrow(
          () -> new AssertionError("the sweeper did not merge the late message"));
      assertTrue(m.flags().has(SystemFlag.SEEN));
    }
  }

  @Test
  void aLateInboxMessageKeepsTheLegacyPop3Uidl(@TempDir Path tmp) throws Exception {
    Settings settings = settings(tmp, "sweeper = no", "legacy_sync_window = 72h", "pop3c_host = 127.0.0.1",
        "pop3c_port = " + legacy.pop3Port(), "pop3c_master_user = " + MASTER, "pop3c_password = " + MASTER_PASSWORD,
        "plugin {\n  pop3_migration_mailbox = POP3-MIGRATION-NS/INBOX\n}");
    try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
      migrate(service, "INBOX");
      long legacyUid = appendOnLegacy("INBOX", "INBOX late 1", List.of());
      List<String> legacyUidls = Pop3Probe.uidls(legacy, USER);
      assertEquals(4, legacyUidls.size(), legacyUidls.toString());

      assertEquals(1, service.syncLateMail(USER, List.of("INBOX")).merged());
      StoredMessage late = store(settings).open("INBOX").message(legacyUid).orElseThrow();
      assertEquals(legacyUidls.get(3), late.pop3Uidl(), "the legacy POP3 server's UIDL of the late message");
      assertEquals(4, late.pop3Order());
    }
  }

  /**
   * A delivery in the way of late legacy UIDs 4 and 5 is moved once, above both (review 20, F5: it was moved to 5,
   * then again), and is no difference for verify, nor are the two late messages under their new UIDs; a legacy
   * message that differs at its new UID still is.
   */
  @Test
  void verifyFindsNoDifferenceInACorrectRenumberingAndStillReportsAChangedMessage(@TempDir Path tmp) throws Exception {
    Settings settings = settings(tmp, "sweeper = no", "legacy_sync_window = 72h");
    try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
      migrate(service, "Twice");
      StoredMessage delivery = store(settings).open("Twice").append(MessageMeta.next(Instant.parse("2024-06-01T08:00:00Z"),
          Flags.NONE), body("Twice local delivery"));
      long late1 = appendOnLegacy("Twice", "Twice late 1", List.of("\\Seen"));
      long late2 = appendOnLegacy("Twice", "Twice late 2", List.of());
      assertEquals(delivery.uid(), late1);
      LateMailReport report = service.syncLateMail(USER, List.of("Twice"));
      assertEquals(2, report.merged(), report.toString());
      Mailbox box = store(settings).open("Twice");
      long deliveryNow = box.messages().stream().filter(m -> subjectOf(box, m.uid()).equals("Twice local delivery"))
          .findFirst().orElseThrow().uid();
      assertEquals(late2 + 1, deliveryNow, "moved once, above the late UIDs");
      assertEquals(1, report.folders().get(0).renumbered(), report.toString());

      VerifyReport clean = UserVerifier.of(settings, USER).verify(USER);
      assertEquals(List.of(), differences(clean, "Twice"), "a correct renumbering is no difference");
      assertEquals(List.of(late1, late2), clean.renumbered().stream().filter(d -> d.folder().equals("Twice"))
          .map(Difference::uid).toList(), clean.renumbered().toString());

      long late1Now = box.messages().stream().filter(m -> subjectOf(box, m.uid()).equals("Twice late 1"))
          .findFirst().orElseThrow().uid();
      box.setFlags(late1Now, Flags.of(SystemFlag.FLAGGED));
      long late2Now = box.messages().stream().filter(m -> subjectOf(box, m.uid()).equals("Twice late 2"))
          .findFirst().orElseThrow().uid();
      box.expunge(List.of(late2Now));
      List<Difference> changed = differences(UserVerifier.of(settings, USER).verify(USER), "Twice");
      assertEquals(2, changed.size(), changed.toString());
      assertEquals(Difference.Kind.FLAGS, changed.get(0).kind());
      assertEquals(late1, changed.get(0).uid());
      assertEquals(Difference.Kind.MISSING_IN_STORE, changed.get(1).kind());
      assertEquals(late2, changed.get(1).uid());
    }
  }

  /**
   * A delivery that kept its UID, with a late legacy message merged above it under its own UID: the delivery is
   * below the moved UIDNEXT but above the migrated one, a local message like any other, not "not on legacy".
   */
  @Test
  void aDeliveryBelowALateMessageMergedUnderItsOwnUidIsNoDifference(@TempDir Path tmp) throws Exception {
    Settings settings = settings(tmp, "sweeper = no", "legacy_sync_window = 72h");
    try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
      migrate(service, "Below");
      StoredMessage delivery = store(settings).open("Below").append(MessageMeta.next(Instant.parse("2024-06-01T08:00:00Z"),
          Flags.NONE), body("Below local delivery"));
      long gone = appendOnLegacy("Below", "Below late expunged", List.of());
      long late = appendOnLegacy("Below", "Below late", List.of());
      try (ImapProbe imap = ImapProbe.login(legacy, USER)) {
        imap.expunge("Below", List.of(gone));
      }
      assertEquals(delivery.uid(), gone);
      assertEquals(1, service.syncLateMail(USER, List.of("Below")).merged());
      assertTrue(store(settings).open("Below").message(late).isPresent(), "merged under its own UID");

      VerifyReport report = UserVerifier.of(settings, USER).verify(USER);
      assertEquals(List.of(), differences(report, "Below"));
    }
  }

  private static List<Difference> differences(VerifyReport report, String folder) {
    return report.differences().stream().filter(d -> d.folder().equals(folder)).toList();
  }

  private static String subjectOf(Mailbox box, long uid) {
    try {
      return subject(box, uid);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------------------------------------ helpers

  /**
   * A renumbering whose copy lost its UID to a delivery (UID_CONFLICT, three times, or a kill) leaves its note naming
   * a UID that now holds that delivery: the next check must not take it for the copy and expunge the original.
   */
  @Test
  void aPendingRenumberingWhoseUidADeliveryTookExpungesNothing(@TempDir Path tmp) throws Exception {
    Settings settings = settings(tmp, "sweeper = no", "legacy_sync_window = 72h");
    try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
      migrate(service, "Pending");
      Mailbox box = store(settings).open("Pending");
      StoredMessage first = box.append(MessageMeta.next(Instant.parse("2024-06-01T08:00:00Z"), Flags.of()),
          body("Pending local first"));
      StoredMessage second = box.append(MessageMeta.next(Instant.parse("2024-06-01T09:00:00Z"), Flags.of()),
          body("Pending local second"));
      box.updateDovetailState(s -> {
        Map<String, String> noted = new HashMap<>(s);
        noted.put(LateMailState.PENDING, "renumber " + first.uid() + " " + second.uid());
        return noted;
      });
      appendOnLegacy("Pending", "Pending late legacy", List.of());

      LateMailReport report = service.syncLateMail(USER, List.of("Pending"));
      assertEquals(Optional.empty(), report.abortReason(), report.toString());

      Mailbox after = store(settings).open("Pending");
      List<String> subjects = new ArrayList<>();
      for (StoredMessage m : after.messages()) {
        subjects.add(subject(after, m.uid()));
      }
      assertTrue(subjects.containsAll(List.of("Pending local first", "Pending local second", "Pending late legacy")),
          subjects.toString());
      assertEquals(3 + 3, subjects.size(), "nothing lost, nothing doubled: " + subjects);
    }
  }

  private static void migrate(MigrationService service, String folder) throws Exception {
    service.ensureSkeleton(USER);
    FolderResult r = service.ensureFolder(USER, folder, MigrationListener.NONE);
    assertTrue(r.complete(), r.toString());
  }

  private static long appendOnLegacy(String folder, String subject, List<String> flags) throws IOException {
    try (ImapProbe imap = ImapProbe.login(legacy, USER)) {
      byte[] bytes = body(subject).readAllBytes();
      return imap.append(folder, bytes, flags, Instant.parse("2024-07-01T09:00:00Z")).uid();
    }
  }

  /** Logins of the user at the legacy server so far, from Dovecot's own log. */
  private static long legacyLogins() {
    return legacy.log().lines().filter(l -> l.contains("Login: user=<" + USER + ">")).count();
  }

  private static MailStore store(Settings settings) {
    return Backup.store(settings, USER);
  }

  private static String subject(Mailbox box, long uid) throws IOException {
    try (InputStream in = box.openContent(uid)) {
      String text = new String(in.readAllBytes(), US_ASCII);
      return text.lines().filter(l -> l.startsWith("Subject: ")).findFirst().orElse("").substring(9);
    }
  }

  private static ByteArrayInputStream body(String subject) {
    String text = "From: someone@example.com\r\nSubject: " + subject + "\r\nMessage-ID: <"
        + subject.replace(' ', '.') + "@example.com>\r\n\r\nbody of " + subject + "\r\n";
    return new ByteArrayInputStream(text.getBytes(US_ASCII));
  }

  private static FolderStatus byName(UserStatus s, String folder) {
    return s.folders().stream().filter(f -> f.folder().equals(folder)).findFirst().orElseThrow();
  }

  /**
   * An empty legacy folder has no late mail, whatever its UIDVALIDITY: Courier gives an empty folder without a UID
   * database a new one in every session (walk-through 15), which made every check a WARN of a changed UIDVALIDITY.
   */
  @Test
  void anEmptyLegacyFolderWithANewUidValidityHasNoLateMail(@TempDir Path tmp) throws Exception {
    Settings settings = settings(tmp, "sweeper = no", "legacy_sync_window = 72h");
    try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
      migrate(service, "Emptied");
      try (ImapProbe imap = ImapProbe.login(legacy, USER)) {
        imap.delete("Emptied");
        imap.create("Emptied");
      }
      LateMailReport report = service.syncLateMail(USER, List.of("Emptied"));
      assertEquals(Optional.empty(), report.abortReason(), report.toString());
      LateMailMerge.Result emptied = report.folders().get(0);
      assertEquals("", emptied.problem(), emptied.toString());
      assertEquals(0, emptied.merged());
      assertEquals(3, store(settings).open("Emptied").messages().size(), "the migrated messages stay");
    }
  }

  /**
   * Review 18, N3: a folder migrated while its legacy folder was empty, which then gets a new UIDVALIDITY there
   * (deleted and made again, or Courier creating its UID database) before mail reaches it: all that mail is late,
   * merged with its flags, date and bytes; so is later mail; verify and status find nothing wrong.
   */
  @Test
  void aFolderMigratedEmptyMergesTheMailItsLegacyFolderGotUnderANewUidValidity(@TempDir Path tmp) throws Exception {
    Settings settings = settings(tmp, "sweeper = no", "legacy_sync_window = 72h");
    try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
      migrate(service, "Fresh");
      long setUp = store(settings).open("Fresh").status().uidValidity();
      byte[] first = body("Fresh late 1").readAllBytes();
      ImapProbe.Appended appended;
      try (ImapProbe imap = ImapProbe.login(legacy, USER)) {
        imap.delete("Fresh");
        imap.create("Fresh");
        appended = imap.append("Fresh", first, List.of("\\Flagged", "Work"), Instant.parse("2024-07-01T09:00:00Z"));
      }
      assertNotEquals(setUp, appended.uidValidity());
      assertEquals(1, appended.uid());
      List<Difference> before = differences(UserVerifier.of(settings, USER).verify(USER), "Fresh");
      assertEquals(List.of(Difference.Kind.LATE_ON_LEGACY), before.stream().map(Difference::kind).toList(),
          "not merged yet, and not a changed UIDVALIDITY: " + before);

      LateMailReport report = service.syncLateMail(USER, List.of("Fresh"));
      assertEquals(Optional.empty(), report.abortReason(), report.toString());
      assertEquals("", report.folders().get(0).problem(), report.toString());
      assertEquals(1, report.merged());
      Mailbox fresh = store(settings).open("Fresh");
      assertEquals(setUp, fresh.status().uidValidity());
      StoredMessage late = fresh.message(4).orElseThrow(() -> new AssertionError(
          "legacy UID 1 is below NEXTUID 4: it gets UID 4, " + fresh.messages()));
      assertTrue(late.flags().has(SystemFlag.FLAGGED), late.flags().toString());
      assertEquals(Set.of("Work"), late.flags().keywords());
      assertEquals(Instant.parse("2024-07-01T09:00:00Z"), late.internalDate());
      try (InputStream in = fresh.openContent(4)) {
        assertArrayEquals(first, in.readAllBytes());
      }
      assertEquals(Long.toString(appended.uidValidity()), fresh.dovetailState().get(LateMailState.UIDVALIDITY));

      long second = appendOnLegacy("Fresh", "Fresh late 2", List.of());
      assertEquals(1, service.syncLateMail(USER, List.of("Fresh")).merged(), "later mail follows the new value");
      assertEquals(List.of("Fresh late 1", "Fresh late 2"), subjects(store(settings).open("Fresh")));
      assertEquals(2, second);

      FolderResult rerun = service.ensureFolder(USER, "Fresh", MigrationListener.NONE);
      assertEquals(FolderResult.Outcome.COMPLETE, rerun.outcome(), "a rerun finds it complete: " + rerun);
      FolderStatus status = byName(service.status(USER), "Fresh");
      assertEquals(Optional.empty(), status.error(), status.toString());
      assertEquals(2, status.lateMerged());
      assertEquals(2, status.messagesDone(), status.toString());
      assertEquals(0, status.messagesLocal(), status.toString());
      VerifyReport verify = UserVerifier.of(settings, USER).verify(USER);
      assertEquals(List.of(), differences(verify, "Fresh"));
      assertTrue(verify.renumbered().stream().filter(d -> d.folder().equals("Fresh"))
          .allMatch(d -> d.detail().startsWith("arrived on the legacy server after the migration")),
          verify.renumbered().toString());
    }
  }

  /** Mail merged under the old UIDVALIDITY could mix with the new one's UIDs: a second value stays refused. */
  @Test
  void aFolderMigratedEmptyWhoseLateMailWasMergedRefusesANewUidValidity(@TempDir Path tmp) throws Exception {
    Settings settings = settings(tmp, "sweeper = no", "legacy_sync_window = 72h");
    try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
      migrate(service, "Drafted");
      appendOnLegacy("Drafted", "Drafted late 1", List.of());
      assertEquals(1, service.syncLateMail(USER, List.of("Drafted")).merged());
      try (ImapProbe imap = ImapProbe.login(legacy, USER)) {
        imap.delete("Drafted");
        imap.create("Drafted");
      }
      appendOnLegacy("Drafted", "Drafted late 2", List.of());
      LateMailMerge.Result r = service.syncLateMail(USER, List.of("Drafted")).folders().get(0);
      assertTrue(r.problem().contains("cannot be told from the migrated mail"), r.toString());
      assertEquals(List.of("Drafted late 1"), subjects(store(settings).open("Drafted")));
      assertTrue(byName(service.status(USER), "Drafted").error().isPresent());
      assertEquals(List.of(Difference.Kind.UIDVALIDITY), differences(UserVerifier.of(settings, USER).verify(USER),
          "Drafted").stream().map(Difference::kind).toList());
    }
  }

  /** A folder that held legacy messages at migration: its late mail under a new UIDVALIDITY stays refused. */
  @Test
  void aFolderMigratedWithMessagesRefusesMailUnderANewUidValidity(@TempDir Path tmp) throws Exception {
    Settings settings = settings(tmp, "sweeper = no", "legacy_sync_window = 72h");
    try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
      migrate(service, "Rebuilt");
      try (ImapProbe imap = ImapProbe.login(legacy, USER)) {
        imap.delete("Rebuilt");
        imap.create("Rebuilt");
      }
      appendOnLegacy("Rebuilt", "Rebuilt late", List.of());
      LateMailMerge.Result r = service.syncLateMail(USER, List.of("Rebuilt")).folders().get(0);
      assertTrue(r.problem().contains("cannot be told from the migrated mail"), r.toString());
      assertEquals(3, store(settings).open("Rebuilt").messages().size());
      assertFalse(store(settings).open("Rebuilt").dovetailState().containsKey(LateMailState.UIDVALIDITY));
      assertEquals(List.of(Difference.Kind.UIDVALIDITY), differences(UserVerifier.of(settings, USER).verify(USER),
          "Rebuilt").stream().map(Difference::kind).toList());
    }
  }

  private static List<String> subjects(Mailbox box) {
    return box.messages().stream().map(m -> subjectOf(box, m.uid())).toList();
  }

  /** A check that the server's stop interrupts (it waited for a slow legacy server) is no warning about that server. */
  @Test
  void aCheckInterruptedByTheServerStoppingIsNoWarning(@TempDir Path tmp) throws Exception {
    assertEquals(List.of(), warningsDuring(() -> {
      try (Forwarder slow = new Forwarder(legacy.imapPort());
          MigrationService service = MigrationService.create(settings(tmp, slow.port(), "sweeper = no",
              "legacy_sync_window = 72h"), new ConnectionLimiter(4), Clock.systemUTC())) {
        migrate(service, "Stopped");
        slow.stallAfter(0);
        LateMailReport[] report = {null};
        Thread check = new Thread(() -> {
          try {
            report[0] = service.syncLateMail(USER, List.of("Stopped"));
          } catch (MigrationUnavailableException e) {
            throw new AssertionError(e);
          }
        });
        check.start();
        Thread.sleep(500); // waiting for the stalled legacy server
        check.interrupt();
        check.join(10_000);
        assertTrue(report[0] != null && report[0].abortReason().isPresent(), String.valueOf(report[0]));
      }
    }));
  }

  /**
   * A check that starts after the stop closed the legacy connections (the sweeper's or a client's, in the stop's
   * first moments) logged "late mail not checked ... Dovetail is shutting down" as a WARN about the legacy server.
   */
  @Test
  void aCheckStartedAfterTheStopClosedTheLegacyConnectionsIsNoWarning(@TempDir Path tmp) throws Exception {
    ConnectionLimiter limiter = new ConnectionLimiter(4);
    assertEquals(List.of(), warningsDuring(() -> {
      try (MigrationService service = MigrationService.create(settings(tmp, "sweeper = no",
          "legacy_sync_window = 72h"), limiter, Clock.systemUTC())) {
        migrate(service, "Stopped");
        limiter.stopOpening();
        LateMailReport report = service.syncLateMail(USER, List.of("Stopped"));
        assertTrue(report.abortReason().orElse("").contains("shutting down"), String.valueOf(report));
      }
    }));
  }

  /** Something a test does. */
  private interface Step {
    void run() throws Exception;
  }

  /** The WARN and ERROR lines logged while {@code step} ran. */
  private static List<String> warningsDuring(Step step) throws Exception {
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(log);
    try {
      step.run();
    } finally {
      root.detachAppender(log);
    }
    return log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .map(ILoggingEvent::getFormattedMessage).toList();
  }

  private static Settings settings(Path tmp, String... extra) throws Exception {
    return settings(tmp, legacy.imapPort(), extra);
  }

  private static Settings settings(Path tmp, int imapPort, String... extra) throws Exception {
    return LegacySettings.of(tmp, imapPort, MASTER, MASTER_PASSWORD,
        List.of("imapc_features = rfc822.size"), extra);
  }

  /** A clock the test moves. */
  private static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
