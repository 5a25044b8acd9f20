package dovetail.migrator.service;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.conf.FsyncMode;
import dovetail.conf.Settings;
import dovetail.migrator.copy.Backup;
import dovetail.migrator.copy.ConnectionLimiter;
import dovetail.migrator.copy.FolderResult;
import dovetail.migrator.copy.MigrationListener;
import dovetail.migrator.copy.MigrationState;
import dovetail.migrator.copy.MigrationState.FolderState;
import dovetail.migrator.copy.SkeletonState;
import dovetail.migrator.copy.UserResult;
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
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walk-through 17, F7: a legacy folder made after a user was complete (a device, webmail or a sieve {@code fileinto
 * :create} still acting on the legacy server) was found by nothing but verify: {@code sync -1} said nothing was late,
 * the sweeper never asked complete users, and the mail was lost when the legacy server retired. The whole user's
 * late-mail check now lists the legacy folders and takes such a folder in, as {@code migrate -u} does; a folder the
 * user deleted here stays deleted. Real Dovecot 2.3 is the legacy server (master user); each test has its own user.
 */
class NewLegacyFolderDovecotIT {
  private static final String MASTER = "master";
  private static final String MASTER_PASSWORD = "master-secret";
  private static final List<String> USERS = List.of("nora", "olga", "pia", "quinn");
  @TempDir static Path shared;
  private static DovecotServer legacy;

  @BeforeAll
  static void startLegacy() {
    DovecotServer.assumeInstalled();
    Path dir = shared.resolve("legacy");
    DovecotServer.Builder builder = DovecotServer.builder(dir);
    for (String user : USERS) {
      MailStore store = MaildirStore.open(DovecotServer.maildir(dir, user),
          StoreOptions.DEFAULT.withFsync(FsyncMode.NEVER));
      int n = 0;
      for (String folder : List.of("INBOX", "Old", "Keep")) {
        Mailbox box = store.create(folder, 700 + n++, 1);
        try (MailboxTransaction tx = box.begin()) {
          for (long uid = 1; uid <= 3; uid++) {
            tx.add(MessageMeta.withUid(uid, Instant.parse("2024-05-01T10:00:00Z").plusSeconds(uid),
                Flags.of(SystemFlag.SEEN)), body(user + " " + folder + " old " + uid));
          }
          tx.commit();
        }
      }
      builder.user(user, user + "-pw");
    }
    legacy = builder.masterUser(MASTER, MASTER_PASSWORD).autoCreateSpecialUse(false).start();
  }

  @AfterAll
  static void stopLegacy() {
    if (legacy != null) {
      legacy.close();
    }
  }

  @Test
  void syncMigratesALegacyFolderMadeAfterTheUserWasCompleteAndLeavesAFolderDeletedHereDeleted(@TempDir Path tmp)
      throws Exception {
    String user = "nora";
    Settings settings = settings(tmp, "sweeper = no", "legacy_sync_window = 72h");
    try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
      UserResult first = service.migrateUser(user, List.of()).get(60, TimeUnit.SECONDS);
      assertTrue(first.complete(), first.toString());
      store(settings, user).delete("Old"); // what an IMAP DELETE through Dovetail does
      long uidValidity = makeOnLegacy(user, "Later", 2);

      LateMailReport report = service.syncLateMail(user, List.of());
      assertEquals(Optional.empty(), report.abortReason(), report.toString());
      assertEquals(List.of(), report.problems(), report.toString());
      assertEquals(List.of("Later"), report.newOnLegacy(), "the deleted Old is no new folder: " + report);
      assertEquals(1, report.newFolders().size(), report.toString());
      FolderResult later = report.newFolders().get(0);
      assertEquals("Later", later.folder());
      assertEquals(FolderResult.Outcome.COMPLETE, later.outcome(), later.toString());
      assertEquals(2, later.messages());

      MailStore store = store(settings, user);
      Mailbox box = store.open("Later");
      assertEquals(uidValidity, box.status().uidValidity(), "the legacy UIDVALIDITY");
      assertEquals(List.of(1L, 2L), box.messages().stream().map(StoredMessage::uid).toList(), "the legacy UIDs");
      assertTrue(box.message(2).orElseThrow().flags().has(SystemFlag.FLAGGED));
      assertFalse(store.exists("Old"), "a folder the user deleted here is not brought back");
      assertTrue(service.status(user).complete(), service.status(user).toString());

      LateMailReport again = service.syncLateMail(user, List.of());
      assertEquals(List.of(), again.newOnLegacy(), again.toString());
      assertEquals(List.of(), again.newFolders(), again.toString());
    }
  }

  @Test
  void theSweepersLateMailPassMigratesALegacyFolderMadeAfterTheUserWasComplete(@TempDir Path tmp) throws Exception {
    String user = "olga";
    Path users = Files.writeString(tmp.resolve("users.txt"), user + "\n");
    Settings settings = settings(tmp, "sweeper = yes", "sweeper_users = " + users, "legacy_sync_window = 72h");
    try (MigrationService service = MigrationService.create(settings, user2 -> Backup.store(settings, user2),
        new ConnectionLimiter(4), Clock.systemUTC(), MigrationService.Options.defaults()
            .withRescanPeriod(Duration.ofMillis(200)))) {
      service.awaitSweeperRounds(1);
      assertTrue(service.status(user).complete(), service.status(user).toString());
      makeOnLegacy(user, "Later", 2);

      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!laterComplete(settings, user) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertTrue(laterComplete(settings, user), "the sweeper did not migrate Later: " + service.status(user));
      assertEquals(2, store(settings, user).open("Later").messages().size());
      assertTrue(service.status(user).complete(), service.status(user).toString());
    }
  }

  /**
   * A user the offline backup migrated. Review 21, F1: the backup kept no record of what it listed, so a folder the
   * user deleted here afterwards looked new too, and sync -1 brought it back; the backup writes the record now.
   */
  @Test
  void syncMigratesALegacyFolderMadeAfterABackupOfTheUser(@TempDir Path tmp) throws Exception {
    String user = "pia";
    Settings settings = settings(tmp, "sweeper = no", "legacy_sync_window = 72h");
    makeOnLegacy(user, "Deleted", 1);
    UserResult backup = Backup.of(settings, user, false, new ConnectionLimiter(2), Clock.systemUTC())
        .run(List.of(), MigrationListener.NONE);
    assertTrue(backup.complete(), backup.toString());
    assertTrue(SkeletonState.built(store(settings, user).open(MailStore.INBOX).dovetailState()), "a skeleton record");
    store(settings, user).delete("Deleted"); // by the user, through Dovecot or Dovetail
    makeOnLegacy(user, "Later", 2);

    try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
      LateMailReport report = service.syncLateMail(user, List.of());
      assertEquals(List.of(), report.problems(), report.toString());
      assertEquals(List.of("Later"), report.newFolders().stream().map(FolderResult::folder).toList(), report.toString());
      assertTrue(report.newFolders().get(0).complete(), report.toString());
      assertEquals(2, store(settings, user).open("Later").messages().size());
      assertEquals(3, store(settings, user).open("Old").messages().size(), "the backup's folders stay as they are");
      assertFalse(store(settings, user).exists("Deleted"), "a folder the user deleted does not come back");
    }
  }

  /**
   * A new legacy folder that cannot be set up (a folder of that name the user made here holds mail) is a problem of
   * the sync, so that its exit code says so; nothing of the user's folder is touched.
   */
  @Test
  void aNewLegacyFolderThatCannotBeSetUpIsAProblemOfTheSync(@TempDir Path tmp) throws Exception {
    String user = "quinn";
    Settings settings = settings(tmp, "sweeper = no", "legacy_sync_window = 72h");
    try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
      assertTrue(service.migrateUser(user, List.of()).get(60, TimeUnit.SECONDS).complete());
      // A UIDVALIDITY no legacy folder made in the same second can share (that one would be adopted as copied).
      Mailbox mine = store(settings, user).create("Later", 7, 1);
      mine.append(MessageMeta.next(Instant.parse("2024-06-01T08:00:00Z"), Flags.NONE), body("quinn local"));
      makeOnLegacy(user, "Later", 2);

      LateMailReport report = service.syncLateMail(user, List.of());
      assertEquals(List.of(), report.newFolders(), report.toString());
      assertTrue(report.problems().stream().anyMatch(p -> p.contains("local folder 'Later' exists with 1 messages")),
          report.toString());
      assertEquals(1, store(settings, user).open("Later").messages().size(), "the user's folder is not touched");
      assertEquals(1, report.problems().stream().filter(p -> p.contains("local folder 'Later' exists")).count(),
          report.toString());
      // Review 21, F4: and so every sync says until it is mended, not the first only.
      LateMailReport again = service.syncLateMail(user, List.of());
      assertTrue(again.problems().stream().anyMatch(p -> p.contains("local folder 'Later' exists with 1 messages")),
          again.toString());
    }
  }

  private static boolean laterComplete(Settings settings, String user) {
    MailStore store = store(settings, user);
    return store.exists("Later")
        && FolderState.of(store.open("Later").dovetailState()).orElse(null) == FolderState.COMPLETE;
  }

  /** CREATE and {@code count} APPENDs on the legacy server (the last one flagged); returns the UIDVALIDITY. */
  private static long makeOnLegacy(String user, String folder, int count) throws IOException {
    try (ImapProbe imap = ImapProbe.login(legacy, user)) {
      imap.create(folder);
      long uidValidity = 0;
      for (int i = 1; i <= count; i++) {
        uidValidity = imap.append(folder, body(user + " " + folder + " new " + i).readAllBytes(),
            i == count ? List.of("\\Flagged") : List.of(), Instant.parse("2024-07-01T09:00:00Z")).uidValidity();
      }
      return uidValidity;
    }
  }

  private static MailStore store(Settings settings, String user) {
    return Backup.store(settings, user);
  }

  private static ByteArrayInputStream body(String subject) {
    String text = "From: someone@example.com\r\nSubject: " + subject + "\r\nMessage-ID: <"
        + subject.replace(' ', '.') + "@example.com>\r\n\r\nbody of " + subject + "\r\n";
    return new ByteArrayInputStream(text.getBytes(US_ASCII));
  }

  private static Settings settings(Path tmp, String... extra) throws Exception {
    return LegacySettings.of(tmp, legacy.imapPort(), MASTER, MASTER_PASSWORD,
        List.of("imapc_features = rfc822.size"), extra);
  }
}
