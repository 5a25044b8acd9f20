package dovetail.migrator.service;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dovetail.conf.ConfigLoader;
import dovetail.conf.Settings;
import dovetail.migrator.copy.Backup;
import dovetail.migrator.copy.ConnectionLimiter;
import dovetail.migrator.copy.FolderResult;
import dovetail.migrator.copy.MigrationListener;
import dovetail.migrator.copy.MigrationState;
import dovetail.migrator.verify.Difference;
import dovetail.migrator.verify.UserVerifier;
import dovetail.migrator.verify.VerifyReport;
import dovetail.store.MailStore;
import dovetail.store.MessageMeta;
import dovetail.store.dovecot.ImapProbe;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GreenMail as the legacy server behind a proxy that answers one EXAMINE with a plain {@code NO} (no RFC 5530
 * code): a passing failure, which must leave the folder to be migrated later, never skipped or given up.
 */
class LegacyRefusalMigrationServiceIT {
  private static final String USER = "carol";
  private static final String PASSWORD = "secret";
  private static final String INTERNAL_ERROR = "NO Internal error occurred. Refer to server log for more information.";
  private static GreenMail greenMail;

  @BeforeAll
  static void startLegacy() throws Exception {
    greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
    greenMail.start();
    greenMail.setUser("carol@example.com", USER, PASSWORD);
    try (ImapProbe imap = ImapProbe.login(greenMail.getImap().getPort(), USER, PASSWORD)) {
      imap.create("Sent");
      for (int i = 1; i <= 5; i++) {
        imap.append("INBOX", message("inbox " + i), List.of(), Instant.parse("2024-01-01T00:00:00Z").plusSeconds(i));
      }
      for (int i = 1; i <= 3; i++) {
        imap.append("Sent", message("sent " + i), List.of("\\Seen"), Instant.parse("2023-01-01T00:00:00Z").plusSeconds(i));
      }
    }
  }

  @AfterAll
  static void stopLegacy() {
    if (greenMail != null) {
      greenMail.stop();
    }
  }

  private static byte[] message(String subject) {
    return ("From: bob@example.com\r\nTo: carol@example.com\r\nSubject: " + subject + "\r\n\r\nHello\r\n")
        .getBytes(US_ASCII);
  }

  /** No reconnect within a run: one refusal ends the run, so the next attempt is a new run. */
  private static Settings settings(Path tmp, RefusingProxy proxy) throws Exception {
    Path conf = tmp.resolve("dovetail.conf");
    Files.writeString(conf, "imapc_host = 127.0.0.1\nimapc_port = " + proxy.port() + "\n"
        + "imapc_password = " + PASSWORD + "\n"
        + "imapc_connection_retry_count = 0\nimapc_connection_retry_interval = 20 ms\n"
        + "mail_location = maildir:" + tmp + "/store/%n\nmail_fsync = never\nsweeper = no\n");
    return ConfigLoader.load(conf, List.of());
  }

  @Test
  void aPlainNoToExamineInboxLeavesTheSkeletonUnbuiltAndTheNextAttemptMigratesInbox(@TempDir Path tmp)
      throws Exception {
    try (RefusingProxy proxy = new RefusingProxy(greenMail.getImap().getPort())) {
      Settings settings = settings(tmp, proxy);
      proxy.refuse("EXAMINE \"?INBOX\"?( .*)?", 1, INTERNAL_ERROR);
      try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
        service.loggedIn(USER, Optional.of(PASSWORD));
        MigrationUnavailableException e =
            assertThrows(MigrationUnavailableException.class, () -> service.ensureSkeleton(USER));
        assertTrue(e.getMessage().contains("Internal error"), e.getMessage());
        assertEquals(1, proxy.refused());
        assertFalse(service.hasSkeleton(USER), "a skeleton without INBOX is not built");
        assertFalse(service.status(USER).complete());

        service.ensureSkeleton(USER);
        assertTrue(service.hasSkeleton(USER));
        assertTrue(service.needsMigration(USER, "INBOX"));
        FolderResult inbox = service.ensureFolder(USER, "INBOX", MigrationListener.NONE);
        assertEquals(FolderResult.Outcome.COMPLETE, inbox.outcome(), inbox.toString());
        assertEquals(5, Backup.store(settings, USER).open("INBOX").messages().size());
      }
    }
  }

  /**
   * Another folder refused while the skeleton is built: the user is not kept out (the skeleton is built without it,
   * the folder does not exist here meanwhile, and serving never waits for it); the sweeper or an admin's migrate
   * sets it up later, and the user is not complete until then.
   */
  @Test
  void aPlainNoToExamineOfAnotherFolderLeavesItForTheNextBuildWithoutKeepingTheUserOut(@TempDir Path tmp)
      throws Exception {
    try (RefusingProxy proxy = new RefusingProxy(greenMail.getImap().getPort())) {
      Settings settings = settings(tmp, proxy);
      proxy.refuse("EXAMINE \"?Sent\"?( .*)?", 1000, INTERNAL_ERROR);
      try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
        service.loggedIn(USER, Optional.of(PASSWORD));
        service.ensureSkeleton(USER);
        assertEquals(1, proxy.refused());
        assertTrue(service.needsMigration(USER, "INBOX"));
        assertFalse(Backup.store(settings, USER).exists("Sent"), "not shown as an empty folder");
        assertFalse(service.status(USER).complete(), "Sent has no local twin yet");
        assertTrue(service.status(USER).unset().get("Sent").contains("Internal error"), service.status(USER).toString());
        service.ensureSkeleton(USER);
        assertEquals(FolderResult.Outcome.COMPLETE, service.ensureFolder(USER, "INBOX", MigrationListener.NONE).outcome());
        assertEquals(1, proxy.refused(), "serving the user never waits for Sent again");

        proxy.refuse("EXAMINE \"?Sent\"?( .*)?", 0, INTERNAL_ERROR);
        assertTrue(service.migrateUser(USER, List.of()).get().complete());
        assertEquals(3, Backup.store(settings, USER).open("Sent").messages().size());
        assertTrue(service.status(USER).complete());
        assertEquals(Map.of(), service.status(USER).unset());
      }
    }
  }

  /**
   * A build that left a folder unset tries only that folder again: a folder the user deleted meanwhile is not set
   * up a second time (and migrated again in full).
   */
  @Test
  void theRetryOfAnUnsetFolderSetsUpNoFolderTheUserDeletedMeanwhile(@TempDir Path tmp) throws Exception {
    String user = "ruth";
    greenMail.setUser("ruth@example.com", user, PASSWORD);
    try (ImapProbe imap = ImapProbe.login(greenMail.getImap().getPort(), user, PASSWORD)) {
      imap.create("Sent");
      imap.create("Old");
      imap.append("Old", message("old 1"), List.of(), Instant.parse("2022-01-01T00:00:00Z"));
    }
    try (RefusingProxy proxy = new RefusingProxy(greenMail.getImap().getPort())) {
      Settings settings = settings(tmp, proxy);
      proxy.refuse("EXAMINE \"?Sent\"?( .*)?", 1000, INTERNAL_ERROR);
      try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
        service.loggedIn(user, Optional.of(PASSWORD));
        service.ensureSkeleton(user);
        assertFalse(service.status(user).complete(), "Sent is not set up yet");
        assertEquals(FolderResult.Outcome.COMPLETE, service.ensureFolder(user, "Old", MigrationListener.NONE).outcome());
        MailStore store = Backup.store(settings, user);
        store.delete("Old"); // the user's own choice, after the migration

        proxy.refuse("EXAMINE \"?Sent\"?( .*)?", 0, INTERNAL_ERROR); // the legacy server opens Sent again
        assertTrue(service.migrateUser(user, List.of()).get().complete());
        assertTrue(service.status(user).complete());
        assertTrue(store.exists("Sent"));
        assertFalse(store.exists("Old"), "a folder the user deleted is not set up again");
      }
    }
  }

  /**
   * A refresh that stops part-way (here on a BAD, as a kill would stop it) has already recorded each folder it set up:
   * one the user deletes before the next refresh stays deleted, and the next refresh sets up the folder the stopped
   * one did not reach.
   */
  @Test
  void aRefreshThatStopsPartWayKeepsTheRecordOfEachFolderItSetUp(@TempDir Path tmp) throws Exception {
    String user = "ivy";
    greenMail.setUser("ivy@example.com", user, PASSWORD);
    try (RefusingProxy proxy = new RefusingProxy(greenMail.getImap().getPort())) {
      Settings settings = settings(tmp, proxy);
      try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
        service.loggedIn(user, Optional.of(PASSWORD));
        service.ensureSkeleton(user);
        try (ImapProbe imap = ImapProbe.login(greenMail.getImap().getPort(), user, PASSWORD)) {
          for (String folder : List.of("Alpha", "Beta")) { // listed in this order
            imap.create(folder);
            imap.append(folder, message(folder), List.of(), Instant.parse("2024-02-02T00:00:00Z"));
          }
        }
        proxy.refuse("EXAMINE \"?Beta\"?( .*)?", 1000, "BAD simulated stop");
        var stopped = service.migrateUser(user, List.of()).get();
        assertFalse(stopped.complete(), stopped.toString());
        MailStore store = Backup.store(settings, user);
        assertTrue(store.exists("Alpha"), "set up before the stop");
        assertFalse(store.exists("Beta"));
        store.delete("Alpha"); // the user's choice, before the next refresh

        proxy.refuse("EXAMINE \"?Beta\"?( .*)?", 0, "BAD simulated stop");
        var r = service.migrateUser(user, List.of()).get();
        assertTrue(r.complete(), r.toString());
        assertFalse(store.exists("Alpha"), "a folder the user deleted is not set up again");
        assertEquals(1, store.open("Beta").messages().size());
        assertTrue(service.status(user).complete());
      }
    }
  }

  @Test
  void aSkeletonWithAProblemIsNotFinalAndVerifyReportsTheLegacyFolderWithoutATwin(@TempDir Path tmp)
      throws Exception {
    try (RefusingProxy proxy = new RefusingProxy(greenMail.getImap().getPort())) {
      Settings settings = settings(tmp, proxy);
      // A local Sent with a message of its own and no migration state: the skeleton must not touch it.
      MailStore local = Backup.store(settings, USER);
      local.create("Sent", 42, 1).append(MessageMeta.next(Instant.now(), null),
          new ByteArrayInputStream("Subject: local\r\n\r\nmine\r\n".getBytes(US_ASCII)));
      try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
        service.loggedIn(USER, Optional.of(PASSWORD));
        service.ensureSkeleton(USER);
        assertTrue(service.needsMigration(USER, "INBOX"), "the folders that could be set up are");
        assertFalse(service.status(USER).complete(), "legacy Sent has no local twin");
        FolderResult inbox = service.ensureFolder(USER, "INBOX", MigrationListener.NONE);
        assertEquals(FolderResult.Outcome.COMPLETE, inbox.outcome(), inbox.toString());
        assertFalse(service.status(USER).complete(), "all local folders complete, but Sent is missing");

        VerifyReport report = UserVerifier.of(settings, USER).verify(USER);
        List<Difference> missing = report.differences().stream()
            .filter(d -> d.kind() == Difference.Kind.FOLDER_MISSING).toList();
        assertEquals(1, missing.size(), report.differences().toString());
        assertEquals("Sent", missing.get(0).folder());
        assertFalse(report.clean());

        // The operator moves the local folder away; the next migrate sets Sent up.
        local.delete("Sent");
        assertTrue(service.migrateUser(USER, List.of()).get().complete());
        FolderResult sent = service.ensureFolder(USER, "Sent", MigrationListener.NONE);
        assertEquals(FolderResult.Outcome.COMPLETE, sent.outcome(), sent.toString());
        assertTrue(service.status(USER).complete());
        assertEquals(List.of(), UserVerifier.of(settings, USER).verify(USER).differences().stream()
            .filter(d -> d.kind() == Difference.Kind.FOLDER_MISSING).toList());
      }
    }
  }

  @Test
  void aPlainNoToExamineOnAccessLeavesTheFolderResumableAndTheNextAccessCompletesIt(@TempDir Path tmp)
      throws Exception {
    try (RefusingProxy proxy = new RefusingProxy(greenMail.getImap().getPort())) {
      Settings settings = settings(tmp, proxy);
      try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
        service.loggedIn(USER, Optional.of(PASSWORD));
        service.ensureSkeleton(USER);
        proxy.refuse("EXAMINE \"?Sent\"?( .*)?", 1, INTERNAL_ERROR);

        FolderResult refused = service.ensureFolder(USER, "Sent", MigrationListener.NONE);
        assertEquals(FolderResult.Outcome.PARTIAL, refused.outcome(), "the failure is reported: " + refused);
        assertTrue(refused.reason().contains("Internal error"), refused.reason());
        assertEquals(1, proxy.refused());
        String state = Backup.store(settings, USER).open("Sent").dovetailState().get(MigrationState.STATE);
        assertFalse("failed".equals(state), "a passing NO does not give the folder up: " + state);
        assertTrue(service.needsMigration(USER, "Sent"), "the next access migrates it");
        assertFalse(service.status(USER).complete());

        FolderResult sent = service.ensureFolder(USER, "Sent", MigrationListener.NONE);
        assertEquals(FolderResult.Outcome.COMPLETE, sent.outcome(), sent.toString());
        assertEquals(3, sent.messages());
        assertFalse(service.needsMigration(USER, "Sent"));
      }
    }
  }
}
