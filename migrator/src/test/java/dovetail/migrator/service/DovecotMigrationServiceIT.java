package dovetail.migrator.service;

import dovetail.store.dovecot.Forwarder;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.conf.FsyncMode;
import dovetail.conf.Settings;
import dovetail.migrator.copy.Backup;
import dovetail.migrator.copy.ConnectionLimiter;
import dovetail.migrator.copy.FolderResult;
import dovetail.migrator.copy.MigrationListener;
import dovetail.migrator.copy.MigrationState;
import dovetail.migrator.copy.Progress;
import dovetail.migrator.copy.UserResult;
import dovetail.migrator.copy.Views;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.SystemFlag;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Dovecot 2.3 as the legacy server, logged in to with its master user: users who never logged in to
 * Dovetail are migrated by the admin and by the sweeper; a service closed mid-sweep resumes after a restart;
 * a legacy server that stops mid-folder makes the folder unavailable, and a later call completes it.
 */
class DovecotMigrationServiceIT {
  private static final List<String> USERS = List.of("alice", "bob", "carol");
  private static final List<String> FOLDERS = List.of("INBOX", "Sent", "Archive/2024", "Big");
  private static final String MASTER = "master";
  private static final String MASTER_PASSWORD = "master-secret";
  @TempDir static Path shared;
  private static DovecotServer legacy;
  private static Map<String, Map<String, Views.FolderView>> expected;

  @BeforeAll
  static void startLegacy() {
    legacy = startDovecot(shared.resolve("legacy"), true);
    expected = views(legacy);
  }

  @AfterAll
  static void stopLegacy() {
    if (legacy != null) {
      legacy.close();
    }
  }

  /** Dovecot with every user's corpus (written before the first start only). */
  static DovecotServer startDovecot(Path dir, boolean writeCorpus) {
    DovecotServer.assumeInstalled();
    if (writeCorpus) {
      for (int i = 0; i < USERS.size(); i++) {
        writeCorpus(DovecotServer.maildir(dir, USERS.get(i)), i);
      }
    }
    DovecotServer.Builder b = DovecotServer.builder(dir).masterUser(MASTER, MASTER_PASSWORD).autoCreateSpecialUse(false);
    USERS.forEach(u -> b.user(u, u + "-pw"));
    return b.start();
  }

  /** UIDVALIDITY, UID gaps, flags, keywords and a NEXTUID above the last UID, different per user. */
  private static void writeCorpus(Path root, int n) {
    MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT.withFsync(FsyncMode.NEVER));
    Mailbox inbox = store.create("INBOX", 1_700_000_000L + n, 1);
    try (MailboxTransaction tx = inbox.begin()) {
      tx.add(meta(1, Flags.of(SystemFlag.SEEN)), body("inbox 1", n));
      tx.add(meta(2, Flags.NONE.withKeywords("$Forwarded", "Work")), body("inbox 2", n));
      tx.add(meta(5, Flags.of(SystemFlag.ANSWERED, SystemFlag.FLAGGED)), body("inbox 5", n));
      tx.add(meta(9, Flags.of(SystemFlag.DELETED)), body("inbox 9", n));
      tx.raiseNextUid(100 + n);
      tx.commit();
    }
    Mailbox sent = store.create("Sent", 7 + n, 1);
    try (MailboxTransaction tx = sent.begin()) {
      for (int uid = 1; uid <= 20; uid++) {
        tx.add(meta(uid, Flags.of(SystemFlag.SEEN)), body("sent " + uid, n));
      }
      tx.commit();
    }
    Mailbox archive = store.create("Archive/2024", 42, 1);
    try (MailboxTransaction tx = archive.begin()) {
      for (long uid = 10; uid <= 12; uid++) {
        tx.add(meta(uid, Flags.NONE), body("archive " + uid, n));
      }
      tx.commit();
    }
    Mailbox big = store.create("Big", 99, 1);
    try (MailboxTransaction tx = big.begin()) {
      for (int uid = 1; uid <= 60; uid++) {
        tx.add(meta(uid * 2, uid % 5 == 0 ? Flags.of(SystemFlag.SEEN) : Flags.NONE), body("big " + uid, n));
      }
      tx.commit();
    }
    store.setSubscribed("Sent", true);
  }

  private static MessageMeta meta(long uid, Flags flags) {
    return MessageMeta.withUid(uid, Instant.parse("2024-03-01T12:00:00Z").plusSeconds(uid * 61), flags);
  }

  private static ByteArrayInputStream body(String subject, int n) {
    StringBuilder text = new StringBuilder("From: someone@example.com\r\nSubject: " + subject + " of user " + n
        + "\r\nMessage-ID: <" + subject.replace(' ', '.') + "." + n + "@example.com>\r\n\r\n");
    for (int i = 0; i < 30; i++) {
      text.append("line ").append(i).append(" of ").append(subject).append("\r\n");
    }
    return new ByteArrayInputStream(text.toString().getBytes(US_ASCII));
  }

  private static Map<String, Map<String, Views.FolderView>> views(DovecotServer server) {
    Map<String, Map<String, Views.FolderView>> all = new LinkedHashMap<>();
    for (String user : USERS) {
      Map<String, Views.FolderView> folders = new LinkedHashMap<>();
      try (ImapProbe imap = ImapProbe.login(server, user)) {
        FOLDERS.forEach(f -> folders.put(f, Views.imap(imap, f)));
      }
      all.put(user, folders);
    }
    return all;
  }

  private static Settings settings(Path tmp, int port, String... extra) throws Exception {
    return LegacySettings.of(tmp, port, MASTER, MASTER_PASSWORD,
        List.of("imapc_features = rfc822.size",
            "imapc_connection_retry_count = 2", "imapc_connection_retry_interval = 20 ms",
            "dsync_commit_msgs_interval = 5", "mail_prefetch_count = 4"), extra);
  }

  private static Path usersFile(Path tmp) throws Exception {
    return Files.writeString(tmp.resolve("users.txt"), "# users to migrate\n" + String.join("\n", USERS) + "\n");
  }

  private static void assertMigrated(Settings settings, String user) {
    MailStore store = Backup.store(settings, user);
    for (String folder : FOLDERS) {
      Views.assertSameButSizes(expected.get(user).get(folder), Views.store(store, folder), user + " " + folder);
    }
  }

  @Test
  void anAdminMigratesAUserWhoNeverLoggedInAndStatusFollows(@TempDir Path tmp) throws Exception {
    Settings settings = settings(tmp, legacy.imapPort(), "sweeper = no");
    try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
      service.ensureSkeleton("carol");
      UserStatus pending = service.status("carol");
      assertTrue(pending.skeleton());
      assertEquals(FOLDERS.size(), pending.folders().size(), pending.toString());
      assertTrue(pending.folders().stream().allMatch(f -> f.state().equals("pending")), pending.toString());
      assertFalse(pending.complete());

      FolderResult sent = service.ensureFolder("carol", "Sent", MigrationListener.NONE);
      assertTrue(sent.complete(), sent.toString());
      Map<String, FolderStatus> mid = byName(service.status("carol"));
      assertEquals("complete", mid.get("Sent").state());
      assertEquals(20, mid.get("Sent").messagesTotal());
      assertEquals(20, mid.get("Sent").messagesDone());
      assertEquals(mid.get("Sent").bytesDone(), mid.get("Sent").bytesTotal(), "RFC822.SIZE totals against the stored bytes");
      assertEquals("pending", mid.get("Big").state());
      assertEquals(-1, mid.get("Big").messagesTotal());

      UserResult bob = service.migrateUser("bob", List.of()).get(60, TimeUnit.SECONDS);
      assertTrue(bob.complete(), bob.toString());
      assertEquals(4 + 20 + 3 + 60, bob.messages());
      assertMigrated(settings, "bob");
      UserStatus done = service.status("bob");
      assertTrue(done.complete(), done.toString());
      assertEquals(60, byName(done).get("Big").messagesTotal());
      assertTrue(service.knownUsers().containsAll(List.of("bob", "carol")), service.knownUsers().toString());
    }
  }

  @Test
  void theSweeperCompletesEveryUserOfTheUsersFile(@TempDir Path tmp) throws Exception {
    Settings settings = settings(tmp, legacy.imapPort(), "sweeper = yes", "sweeper_concurrency = 2",
        "sweeper_users = " + usersFile(tmp));
    try (MigrationService service = MigrationService.create(settings, user -> Backup.store(settings, user),
        new ConnectionLimiter(3), Clock.systemUTC(), MigrationService.Options.defaults())) {
      service.awaitSweeperRounds(1);
      for (String user : USERS) {
        assertTrue(service.status(user).complete(), service.status(user).toString());
        assertMigrated(settings, user);
      }
      SweeperStatus status = service.sweeper().status();
      assertTrue(status.enabled());
      assertEquals(3, status.completed(), status.toString());
      assertEquals(List.of(), status.queued());
    }
  }

  @Test
  void aServiceClosedMidSweepAndRestartedCompletesWithoutDuplicateGapOrUidChange(@TempDir Path tmp) throws Exception {
    Settings settings = settings(tmp, legacy.imapPort(), "sweeper = yes", "sweeper_concurrency = 2",
        "sweeper_users = " + usersFile(tmp));
    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger copied = new AtomicInteger();
    MigrationListener holdAt30 = new MigrationListener() {
      @Override
      public void progress(Progress p) {
        if (copied.incrementAndGet() == 30) {
          reached.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    };
    MigrationService first = MigrationService.create(settings, user -> Backup.store(settings, user),
        new ConnectionLimiter(3), Clock.systemUTC(), MigrationService.Options.defaults().withObserver(holdAt30));
    try {
      reached.await();
      first.beginClose();
    } finally {
      release.countDown();
      first.close();
    }
    long completeUsers = USERS.stream().filter(u -> first.status(u).complete()).count();
    assertTrue(completeUsers < USERS.size(), "the sweep was cut short");

    try (MigrationService second = MigrationService.create(settings, user -> Backup.store(settings, user),
        new ConnectionLimiter(3), Clock.systemUTC(), MigrationService.Options.defaults())) {
      second.awaitSweeperRounds(1);
      for (String user : USERS) {
        assertTrue(second.status(user).complete(), second.status(user).toString());
        assertMigrated(settings, user);
      }
    }
  }

  @Test
  void aLegacyServerThatStopsMidFolderMakesItUnavailableAndALaterCallCompletesIt(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("legacy");
    DovecotServer[] server = {startDovecot(dir, true)};
    // 40 messages of 512 kB more, so that the folder is larger than what the forwarder lets through before the cut.
    appendLarge(server[0], "alice", 40);
    try (Forwarder forwarder = new Forwarder(server[0].imapPort())) {
      // Bodies in batches of 5: when the server goes at message 12, later batches still need the connection.
      Settings settings = settings(tmp, forwarder.port(), "sweeper = no", "mail_prefetch_count = 5");
      try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
        service.ensureSkeleton("alice");
        forwarder.stallAfter(4 << 20); // the copy cannot have read the whole folder ahead when the server goes
        AtomicInteger copied = new AtomicInteger();
        MigrationListener stopAt12 = new MigrationListener() {
          @Override
          public void progress(Progress p) {
            if (copied.incrementAndGet() == 12) {
              server[0].close(); // the legacy server goes away in the middle of the folder
              forwarder.cutAll(); // and its imap processes' open connections with it
            }
          }
        };
        MigrationUnavailableException e = assertThrows(MigrationUnavailableException.class,
            () -> service.ensureFolder("alice", "Big", stopAt12));
        assertTrue(e.getMessage().contains("Big"), e.getMessage());
        MailStore store = Backup.store(settings, "alice");
        int kept = store.open("Big").messages().size();
        assertTrue(kept >= 10 && kept < 100, "what was committed stays: " + kept);
        String state = store.open("Big").dovetailState().get(MigrationState.STATE);
        assertTrue(state.equals("partial") || state.equals("migrating"), state);
        assertTrue(service.needsMigration("alice", "Big"));
        assertFalse(byName(service.status("alice")).get("Big").error().isEmpty());

        server[0] = startDovecot(dir, false);
        forwarder.flowing();
        forwarder.retarget(server[0].imapPort());
        FolderResult r = service.ensureFolder("alice", "Big", MigrationListener.NONE);
        assertTrue(r.complete(), r.toString());
        assertEquals(100 - kept, r.messages(), "the second run copied only what was missing");
        try (ImapProbe legacyNow = ImapProbe.login(server[0], "alice")) {
          Views.assertSameButSizes(Views.imap(legacyNow, "Big"), Views.store(store, "Big"), "Big");
        }
      }
    } finally {
      server[0].close();
    }
  }

  /**
   * An admin's run whose folder the legacy server fails in the middle says what it copied before: "partial, N
   * messages copied". It said "not attempted ... (0 messages, 0 B copied)" after thousands were (walk-through 7, W5).
   */
  @Test
  void aFolderTheLegacyServerFailsMidwaySaysWhatWasCopied(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("legacy");
    DovecotServer[] server = {startDovecot(dir, true)};
    appendLarge(server[0], "bob", 20);
    try (Forwarder forwarder = new Forwarder(server[0].imapPort())) {
      Settings settings = settings(tmp, forwarder.port(), "sweeper = no", "mail_prefetch_count = 5",
          "imapc_connection_retry_count = 0");
      try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
        service.ensureSkeleton("bob");
        forwarder.stallAfter(4 << 20); // some messages pass, then the legacy server seems to hang
        CompletableFuture<UserResult> run = service.migrateUser("bob", List.of("Big"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (byName(service.status("bob")).get("Big").messagesDone() == 0 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        server[0].close(); // and then goes away
        forwarder.cutAll();
        UserResult r = run.get(60, TimeUnit.SECONDS);
        FolderResult big = r.folders().stream().filter(f -> f.folder().equals("Big")).findFirst().orElseThrow();
        assertEquals(FolderResult.Outcome.PARTIAL, big.outcome(), r.toString());
        assertTrue(big.messages() > 0 && big.messages() < 100, r.toString());
        assertTrue(big.bytes() > 0, r.toString());
        assertEquals(big.messages(), r.messages(), "the run's total counts them");
        assertTrue(big.reason().contains("cannot be migrated now"), big.reason());
      }
    } finally {
      server[0].close();
    }
  }

  /**
   * A run that stops because the legacy server is gone says, for the folders after the one that failed, that the run
   * stopped there: "Sent: not attempted: 'INBOX' cannot be migrated now" read as Sent's own problem (walk-through 5).
   */
  @Test
  void foldersAfterTheOneThatFailedSayWhereTheRunStopped(@TempDir Path tmp) throws Exception {
    try (Forwarder forwarder = new Forwarder(legacy.imapPort())) {
      Settings settings = settings(tmp, forwarder.port(), "sweeper = no", "imapc_connection_retry_count = 0");
      try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
        service.ensureSkeleton("carol");
        try (java.net.ServerSocket dead = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
          forwarder.retarget(dead.getLocalPort());
        } // closed: connections to it are refused
        forwarder.cutAll();
        UserResult r = service.migrateUser("carol", List.of()).get(60, TimeUnit.SECONDS);
        assertFalse(r.complete(), r.toString());
        List<FolderResult> folders = r.folders();
        assertTrue(folders.size() >= 2, r.toString());
        String first = folders.get(0).folder();
        assertEquals(FolderResult.Outcome.NOT_ATTEMPTED, folders.get(0).outcome(), r.toString());
        assertFalse(folders.get(0).reason().startsWith("the run stopped"), folders.get(0).reason());
        for (FolderResult later : folders.subList(1, folders.size())) {
          assertEquals(FolderResult.Outcome.NOT_ATTEMPTED, later.outcome(), r.toString());
          assertTrue(later.reason().startsWith("the run stopped at " + first + ": " + folders.get(0).reason()),
              later.reason());
        }
      }
    }
  }

  /** {@code count} messages of 512 kB appended to the user's Big folder on the legacy server. */
  private static void appendLarge(DovecotServer server, String user, int count) {
    try (ImapProbe p = ImapProbe.login(server, user)) {
      for (int i = 0; i < count; i++) {
        StringBuilder large = new StringBuilder("Subject: large " + i + "\r\n\r\n");
        while (large.length() < 512 * 1024) {
          large.append("a line of a large message, number ").append(i).append("\r\n");
        }
        p.append("Big", large.toString().getBytes(US_ASCII), List.of(), Instant.parse("2024-04-01T00:00:00Z"));
      }
    }
  }

  private static Map<String, FolderStatus> byName(UserStatus s) {
    return s.folders().stream().collect(Collectors.toMap(FolderStatus::folder, f -> f));
  }

}
