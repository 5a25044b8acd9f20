package dovetail.migrator.service;

import static java.nio.charset.StandardCharsets.US_ASCII;
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
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A legacy folder that no client ever opened read-write on Courier-IMAP (mail delivered there, read over POP3 only)
 * has no UID database there, and shows a new UIDVALIDITY in every session until a read-write SELECT makes one
 * (review 19; {@link CourierUidValidityProxy} shows real Dovecot so). The skeleton, built at the user's login, and
 * the folder's migration, later, see two values.
 */
class CourierUidValidityDovecotIT {
  private static final String USER = "hank";
  private static final String MASTER = "master";
  private static final String MASTER_PASSWORD = "master-secret";
  private static final long DOVECOT_UIDVALIDITY = 4242;
  @TempDir static Path shared;
  private static DovecotServer legacy;

  @BeforeAll
  static void startLegacy() {
    DovecotServer.assumeInstalled();
    Path dir = shared.resolve("legacy");
    MailStore store = MaildirStore.open(DovecotServer.maildir(dir, USER), StoreOptions.DEFAULT.withFsync(FsyncMode.NEVER));
    for (String folder : List.of("Delivered", "Filtered", "Sorted")) {
      Mailbox box = store.create(folder, DOVECOT_UIDVALIDITY, 1);
      try (MailboxTransaction tx = box.begin()) {
        for (long uid = 1; uid <= 3; uid++) {
          tx.add(MessageMeta.withUid(uid, Instant.parse("2024-05-01T10:00:00Z").plusSeconds(uid), Flags.NONE),
              body(folder + " " + uid));
        }
        tx.commit();
      }
    }
    legacy = DovecotServer.builder(dir).user(USER, "hank-pw").masterUser(MASTER, MASTER_PASSWORD)
        .autoCreateSpecialUse(false).start();
  }

  @AfterAll
  static void stopLegacy() {
    if (legacy != null) {
      legacy.close();
    }
  }

  @Test
  void withNoExamineTheFolderGetsItsUidDatabaseAndKeepsItsValueForLateMailAndVerify(@TempDir Path tmp)
      throws Exception {
    try (CourierUidValidityProxy courier = new CourierUidValidityProxy(legacy.imapPort(), false)) {
      Settings settings = settings(tmp, courier.port(), "rfc822.size no-examine");
      try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
        service.ensureSkeleton(USER);
        FolderResult r = service.ensureFolder(USER, "Delivered", MigrationListener.NONE);
        assertTrue(r.complete(), r.toString());
        Mailbox delivered = Backup.store(settings, USER).open("Delivered");
        assertEquals(DOVECOT_UIDVALIDITY, delivered.status().uidValidity(), "the value the legacy server keeps now");
        assertEquals(List.of(1L, 2L, 3L), delivered.messages().stream().map(StoredMessage::uid).toList());
        assertTrue(courier.selects() > 0, "no-examine SELECTs");

        long lateUid = appendOnLegacy("Delivered", "Delivered late");
        LateMailReport report = service.syncLateMail(USER, List.of("Delivered"));
        assertEquals(1, report.merged(), report.toString());
        assertTrue(delivered.message(lateUid).isPresent());
      }
      VerifyReport verified = UserVerifier.of(settings, USER).verify(USER);
      assertEquals(List.of(), verified.differences().stream().filter(d -> d.folder().equals("Delivered")).toList());
    }
  }

  @Test
  void withoutNoExamineTheFolderIsMigratedUnderTheValueItsMigrationSawAndLateMailSaysWhatToSet(@TempDir Path tmp)
      throws Exception {
    try (CourierUidValidityProxy courier = new CourierUidValidityProxy(legacy.imapPort(), false)) {
      Settings settings = settings(tmp, courier.port(), "rfc822.size");
      try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
        service.ensureSkeleton(USER);
        long setUpUnder = Backup.store(settings, USER).open("Filtered").status().uidValidity();
        // Failed for good before ("the legacy UIDVALIDITY changed"), at every try, though nothing was copied.
        FolderResult r = service.ensureFolder(USER, "Filtered", MigrationListener.NONE);
        assertTrue(r.complete(), r.toString());
        Mailbox filtered = Backup.store(settings, USER).open("Filtered");
        long migratedUnder = filtered.status().uidValidity();
        assertNotEquals(setUpUnder, migratedUnder);
        assertEquals(Long.toString(migratedUnder), filtered.dovetailState().get(MigrationState.LEGACY_UIDVALIDITY));
        assertEquals(List.of(1L, 2L, 3L), filtered.messages().stream().map(StoredMessage::uid).toList());
        assertEquals(0, courier.selects(), "read-only without no-examine");

        appendOnLegacy("Filtered", "Filtered late");
        LateMailReport report = service.syncLateMail(USER, List.of("Filtered"));
        assertEquals(0, report.merged(), report.toString());
        LateMailMerge.Result result = report.folders().get(0);
        assertFalse(result.checked());
        assertTrue(result.problem().contains("imapc_features = no-examine; on by itself"), result.problem());
      }
      List<Difference> differences = UserVerifier.of(settings, USER).verify(USER).differences().stream()
          .filter(d -> d.folder().equals("Filtered")).toList();
      assertEquals(1, differences.size(), differences.toString());
      assertEquals(Difference.Kind.UIDVALIDITY, differences.get(0).kind());
      assertTrue(differences.get(0).detail().contains("imapc_features = no-examine; on by itself"), differences.toString());
    }
  }

  /**
   * Review 20, F1: Courier's EXAMINE numbers a folder's new mail for that session only, even where the folder has a UID
   * database, so without SELECT late mail was missed without a word. A server that greets as Courier-IMAP is read
   * with SELECT whatever imapc_features says.
   */
  @Test
  void aServerThatGreetsAsCourierIsReadWithSelectUntold(@TempDir Path tmp) throws Exception {
    try (CourierUidValidityProxy courier = new CourierUidValidityProxy(legacy.imapPort(), true)) {
      Settings settings = settings(tmp, courier.port(), "rfc822.size");
      try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
        service.ensureSkeleton(USER);
        FolderResult r = service.ensureFolder(USER, "Sorted", MigrationListener.NONE);
        assertTrue(r.complete(), r.toString());
        assertEquals(DOVECOT_UIDVALIDITY, Backup.store(settings, USER).open("Sorted").status().uidValidity());
        assertTrue(courier.selects() > 0, "SELECT without no-examine");
      }
    }
  }

  private static long appendOnLegacy(String folder, String subject) throws Exception {
    try (ImapProbe imap = ImapProbe.login(legacy, USER)) {
      return imap.append(folder, body(subject).readAllBytes(), List.of(), Instant.parse("2024-07-01T09:00:00Z")).uid();
    }
  }

  private static ByteArrayInputStream body(String subject) {
    String text = "From: someone@example.com\r\nSubject: " + subject + "\r\nMessage-ID: <"
        + subject.replace(' ', '.') + "@example.com>\r\n\r\nbody of " + subject + "\r\n";
    return new ByteArrayInputStream(text.getBytes(US_ASCII));
  }

  private static Settings settings(Path tmp, int imapPort, String features) throws Exception {
    return LegacySettings.of(tmp, imapPort, MASTER, MASTER_PASSWORD, List.of("imapc_features = " + features,
        "sweeper = no", "legacy_sync_window = 72h"));
  }
}
