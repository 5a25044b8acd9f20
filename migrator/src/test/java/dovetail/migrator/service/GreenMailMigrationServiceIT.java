package dovetail.migrator.service;

import dovetail.store.dovecot.Forwarder;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dovetail.conf.ConfigLoader;
import dovetail.conf.Settings;
import dovetail.migrator.copy.Backup;
import dovetail.migrator.copy.MigrationState;
import dovetail.migrator.copy.ConnectionLimiter;
import dovetail.migrator.copy.FolderResult;
import dovetail.migrator.copy.MigrationListener;
import dovetail.migrator.copy.Progress;
import dovetail.migrator.copy.Views;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.MessageMeta;
import dovetail.store.dovecot.ImapProbe;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GreenMail 2.1 as the legacy server, without a master user: the service logs in with the password a user
 * gave at login, or not at all.
 */
class GreenMailMigrationServiceIT {
  private static final String USER = "alice";
  private static final String PASSWORD = "secret";
  private static final List<String> FOLDERS = List.of("INBOX", "Work", "Archive");
  private static GreenMail greenMail;
  private static Forwarder forwarder;

  @BeforeAll
  static void startLegacy() throws Exception {
    greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
    greenMail.start();
    greenMail.setUser("alice@example.com", USER, PASSWORD);
    try (ImapProbe imap = ImapProbe.login(greenMail.getImap().getPort(), USER, PASSWORD)) {
      imap.create("Work");
      imap.create("Archive");
      for (int i = 1; i <= 12; i++) {
        imap.append("INBOX", message("inbox " + i), i % 3 == 0 ? List.of("\\Seen") : List.of(),
            Instant.parse("2024-01-01T00:00:00Z").plusSeconds(i * 3600L));
      }
      for (int i = 1; i <= 30; i++) {
        imap.append("Work", message("work " + i), i % 2 == 0 ? List.of("\\Flagged", "$Label1") : List.of("\\Answered"),
            Instant.parse("2023-05-05T10:00:00Z").plusSeconds(i));
      }
      for (int i = 1; i <= 40; i++) {
        imap.append("Archive", message("archive " + i), List.of("\\Seen"), Instant.parse("2020-02-02T02:02:02Z"));
      }
      imap.expunge("Work", List.of(3L, 4L, 17L)); // gaps
    }
    forwarder = new Forwarder(greenMail.getImap().getPort());
  }

  @AfterAll
  static void stopLegacy() throws Exception {
    if (forwarder != null) {
      forwarder.close();
    }
    if (greenMail != null) {
      greenMail.stop();
    }
  }

  private static byte[] message(String subject) {
    return ("From: bob@example.com\r\nTo: alice@example.com\r\nSubject: " + subject + "\r\nMessage-ID: <"
        + subject.replace(' ', '.') + "@example.com>\r\n\r\nHello " + subject + "\r\n").getBytes(US_ASCII);
  }

  private static Settings settings(Path tmp) throws Exception {
    return settings(tmp, "sweeper = no");
  }

  private static Settings settings(Path tmp, String sweeper) throws Exception {
    Path conf = tmp.resolve("dovetail.conf");
    Files.writeString(conf, "imapc_host = 127.0.0.1\nimapc_port = " + forwarder.port() + "\n"
        + "imapc_connection_retry_count = 1\nimapc_connection_retry_interval = 20 ms\n"
        + "mail_location = maildir:" + tmp + "/store/%n\nmail_fsync = never\n" + sweeper + "\n"
        + "dsync_commit_msgs_interval = 5\nmail_prefetch_count = 4\n");
    return ConfigLoader.load(conf, List.of());
  }

  private static MigrationService service(Settings settings) {
    return MigrationService.create(settings, new ConnectionLimiter(10), Clock.systemUTC());
  }

  /**
   * Deletes the legacy folder (its messages too) and creates it again, empty, until it has another UIDVALIDITY than
   * {@code before} (GreenMail's is the second the folder was created); returns the new one.
   */
  private static long recreateLegacy(String user, String folder, long before) throws Exception {
    try (ImapProbe imap = ImapProbe.login(greenMail.getImap().getPort(), user, PASSWORD)) {
      long after;
      do {
        Thread.sleep(200);
        // Through its store: GreenMail's DELETE fails on the listener that the skeleton's EXAMINE left behind.
        var host = greenMail.getManagers().getImapHostManager();
        var box = host.getFolder(greenMail.getManagers().getUserManager().getUser(user), folder);
        box.deleteAllMessages();
        host.getStore().deleteMailbox(box);
        imap.create(folder);
        after = imap.status(folder).uidValidity();
      } while (after == before);
      return after;
    }
  }

  /** A legacy user of its own, with one message in each folder named. */
  private static void legacyUser(String user, String... folders) {
    greenMail.setUser(user + "@example.com", user, PASSWORD);
    createLegacy(user, folders);
  }

  private static void createLegacy(String user, String... folders) {
    try (ImapProbe imap = ImapProbe.login(greenMail.getImap().getPort(), user, PASSWORD)) {
      for (String folder : folders) {
        imap.create(folder);
        imap.append(folder, message(user + " " + folder), List.of(), Instant.parse("2024-03-03T00:00:00Z"));
      }
    }
  }

  /**
   * A complete folder's status shows what its migration did (counted when it completed), not fewer messages after the
   * user deleted some here; a folder completed before that count was kept reads the same from the legacy total.
   */
  @Test
  void aCompleteFolderShowsWhatWasMigratedAndWhatTheUserExpungedSince(@TempDir Path tmp) throws Exception {
    String user = "ines";
    legacyUser(user, "Box");
    try (ImapProbe imap = ImapProbe.login(greenMail.getImap().getPort(), user, PASSWORD)) {
      for (int i = 0; i < 2; i++) {
        imap.append("Box", message(user + " more " + i), List.of(), Instant.parse("2024-03-04T00:00:00Z"));
      }
    }
    Settings settings = settings(tmp);
    try (MigrationService service = service(settings)) {
      service.loggedIn(user, Optional.of(PASSWORD));
      assertTrue(service.migrateUser(user, List.of()).get().complete());
      MailStore store = Backup.store(settings, user);
      var box = store.open("Box");
      long firstUid = box.messages().get(0).uid();
      box.expunge(List.of(firstUid));
      FolderStatus f = service.status(user).folders().stream().filter(s -> s.folder().equals("Box")).findFirst()
          .orElseThrow();
      assertEquals(List.of(3L, 3L, 1L), List.of(f.messagesDone(), f.messagesTotal(), f.messagesExpunged()),
          f.toString());
      assertEquals(f.bytesTotal(), f.bytesDone(), f.toString());

      // As a store completed before this version left it: no count at completion.
      box.updateDovetailState(s -> ServiceState.merged(s, java.util.Collections.singletonMap(
          ServiceState.MIGRATED_MESSAGES, null)));
      FolderStatus old = service.status(user).folders().stream().filter(s -> s.folder().equals("Box")).findFirst()
          .orElseThrow();
      assertEquals(List.of(3L, 3L, 1L), List.of(old.messagesDone(), old.messagesTotal(), old.messagesExpunged()),
          old.toString());
    }
  }

  /**
   * An operator's migrate reads the legacy folder list again: a folder created on the legacy server after the
   * skeleton is set up (with its subscription) and migrated, while migrated folders the user deleted or renamed
   * since stay so (legacy and local folders are matched by name, so only a record of the names seen tells them
   * apart from new ones).
   */
  @Test
  void anAdminMigrateTakesNewLegacyFoldersButNoneTheUserDeletedOrRenamed(@TempDir Path tmp) throws Exception {
    String user = "dora";
    legacyUser(user, "Kept", "Gone", "Moved");
    Settings settings = settings(tmp);
    try (MigrationService service = service(settings)) {
      service.loggedIn(user, Optional.of(PASSWORD));
      assertTrue(service.migrateUser(user, List.of()).get().complete());
      MailStore store = Backup.store(settings, user);
      store.delete("Gone");
      store.rename("Moved", "Renamed");
      createLegacy(user, "Later");
      try (ImapProbe imap = ImapProbe.login(greenMail.getImap().getPort(), user, PASSWORD)) {
        imap.subscribe("Later");
      }

      var r = service.migrateUser(user, List.of()).get();
      assertTrue(r.complete(), r.toString());
      assertEquals(1, store.open("Later").messages().size());
      assertFalse(service.needsMigration(user, "Later"));
      assertTrue(store.subscriptions().contains("Later"), store.subscriptions().toString());
      assertFalse(store.exists("Gone"), "a folder the user deleted is not set up again");
      assertFalse(store.exists("Moved"), "nor one the user renamed");
      assertEquals(1, store.open("Renamed").messages().size());
      assertTrue(service.status(user).complete());

      store.create("Notes"); // as a client's CREATE: a folder with nothing to migrate
      assertEquals("local", service.status(user).folders().stream().filter(f -> f.folder().equals("Notes"))
          .findFirst().orElseThrow().state());
      assertTrue(service.status(user).complete(), "a folder made here leaves nothing to migrate");
    }
  }

  /**
   * A new legacy folder whose local name a migrated folder took when the user renamed it: that folder is not its twin
   * (it holds another legacy folder's mail), so the new one is reported, with why, instead of silently never migrated.
   */
  @Test
  void aNewLegacyFolderNamedAsARenamedFolderIsReportedNotTakenForItsTwin(@TempDir Path tmp) throws Exception {
    String user = "jay";
    legacyUser(user, "Old");
    Settings settings = settings(tmp);
    try (MigrationService service = service(settings)) {
      service.loggedIn(user, Optional.of(PASSWORD));
      assertTrue(service.migrateUser(user, List.of()).get().complete());
      MailStore store = Backup.store(settings, user);
      store.rename("Old", "New");
      createLegacy(user, "New");

      var r = service.migrateUser(user, List.of()).get();
      assertFalse(r.complete(), r.toString());
      String reason = service.status(user).unset().get("New");
      assertTrue(reason != null && reason.contains("migrated from legacy 'Old'"), service.status(user).toString());
      assertEquals("Old", store.open("New").dovetailState().get("legacy.name"), "the renamed folder is untouched");
      assertFalse(service.status(user).complete());
    }
  }

  /**
   * Without a master user the password a login brought serves the user's migrations (on access and the sweeper's)
   * while the user has a session, and for a bounded while after the last one ended; then the user must log in again
   * (walk-through 14, L3).
   */
  @Test
  void aLoginsPasswordServesMigrationsUntilABoundedWhileAfterTheLastSessionEnded(@TempDir Path tmp) throws Exception {
    legacyUser("kim", "Work", "Old");
    Settings settings = settings(tmp);
    AtomicLong nanos = new AtomicLong();
    try (MigrationService service = MigrationService.create(settings, user -> Backup.store(settings, user),
        new ConnectionLimiter(10), Clock.systemUTC(), MigrationService.Options.defaults()
            .withPasswordTicker(nanos::get))) {
      service.loggedIn("kim", Optional.of(PASSWORD));
      service.loggedIn("kim", Optional.of(PASSWORD));
      service.loggedOut("kim");
      nanos.addAndGet(java.time.Duration.ofDays(1).toNanos());
      service.ensureSkeleton("kim"); // one session is left: its password serves however long it lasts
      service.loggedOut("kim");
      nanos.addAndGet(LegacyLogins.KEPT_AFTER_SESSIONS.minusSeconds(1).toNanos());
      assertEquals(FolderResult.Outcome.COMPLETE,
          service.ensureFolder("kim", "Work", MigrationListener.NONE).outcome(), "within the bound");
      nanos.addAndGet(java.time.Duration.ofSeconds(2).toNanos());
      MigrationUnavailableException e = assertThrows(MigrationUnavailableException.class,
          () -> service.ensureFolder("kim", "Old", MigrationListener.NONE));
      assertTrue(e.getMessage().contains("must log in"), e.getMessage());
    }
  }

  /**
   * Walk-through 18, F7: with legacy_max_connections = 2 and sweeper_concurrency = 2, the sweeper's two folder runs held
   * both legacy connections, and a new user's first LIST (its skeleton) waited for one of them to finish a folder. The
   * sweeper now leaves one connection for clients.
   */
  @Test
  void theSweeperLeavesALegacyConnectionForAClientsFolderList(@TempDir Path tmp) throws Exception {
    legacyUser("sam", "Box");
    legacyUser("sue", "Box");
    legacyUser("neo", "Box");
    Settings on = settings(tmp, "sweeper = yes\nsweeper_concurrency = 2\nlegacy_max_connections = 2");
    CountDownLatch sweeping = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    MigrationListener holdSweeps = new MigrationListener() {
      @Override
      public void folderStarted(String folder, long messages, long bytes) {
        sweeping.countDown();
        try {
          release.await(); // a large folder: the run holds its legacy connection meanwhile
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    ExecutorService client = Executors.newSingleThreadExecutor();
    try (MigrationService service = MigrationService.create(on, user -> Backup.store(on, user), new ConnectionLimiter(2),
        Clock.systemUTC(), MigrationService.Options.defaults().withRescanPeriod(java.time.Duration.ofMillis(50))
            .withObserver(holdSweeps))) {
      service.loggedIn("sam", Optional.of(PASSWORD));
      service.loggedIn("sue", Optional.of(PASSWORD));
      assertTrue(sweeping.await(20, java.util.concurrent.TimeUnit.SECONDS), "the sweeper migrates");
      Thread.sleep(500); // a second sweep would have taken the other connection by now
      service.loggedIn("neo", Optional.of(PASSWORD));
      Future<?> list = client.submit(() -> {
        service.ensureSkeleton("neo");
        return null;
      });
      try {
        list.get(20, java.util.concurrent.TimeUnit.SECONDS);
      } finally {
        release.countDown();
      }
      assertTrue(service.hasSkeleton("neo"));
    } finally {
      release.countDown();
      client.shutdownNow();
    }
  }

  /**
   * Walk-through 18, F3: at a stop, a migration waiting for a legacy connection (legacy_max_connections all busy) went
   * on to open one once a connection came free, after the stop had begun, and the stop ran into its cap. It now ends
   * at once, and no connection is opened after the stop began.
   */
  @Test
  void aMigrationWaitingForALegacyConnectionWhenTheServiceStopsOpensNone(@TempDir Path tmp) throws Exception {
    Throwable why = stopWhileWaitingForTheOneConnection(tmp, "", settings -> { },
        service -> () -> service.ensureFolder(USER, "Work", MigrationListener.NONE), 60);
    assertTrue(why instanceof MigrationUnavailableException && why.getMessage().contains("shutting down"),
        why.toString());
    // Nothing is wrong with the folder: the stop leaves no error in its state for status to show (review 24, F1).
    Settings settings = ConfigLoader.load(tmp.resolve("dovetail.conf"), List.of());
    Map<String, String> work = Backup.store(settings, USER).open("Work").dovetailState();
    assertFalse(work.containsKey(MigrationState.ERROR), work.toString());
  }

  /**
   * Review 23, F3: a new user's folder list waiting for a legacy connection when the stop began heard "Dovetail is
   * shutting down" and took it for an outage: it waited imapc_connection_retry_interval and asked again, and the stop
   * ran into its cap. The stop ends the wait at once, and nothing retries.
   */
  @Test
  void aFolderListWaitingForALegacyConnectionWhenTheServiceStopsEndsAtOnce(@TempDir Path tmp) throws Exception {
    legacyUser("bert", "Work");
    Throwable why = stopWhileWaitingForTheOneConnection(tmp,
        "imapc_connection_retry_count = 3\nimapc_connection_retry_interval = 2 mins\n",
        // a store made (mail delivered) before his first login, so no login check comes first
        settings -> Backup.store(settings, "bert"),
        service -> () -> {
          service.loggedIn("bert", Optional.of(PASSWORD));
          service.ensureSkeleton("bert");
          return null;
        }, 20); // the stop's cap is 30 s; a retry would wait 2 minutes
    assertTrue(why.getMessage().contains("shutting down"), why.toString());
  }

  /**
   * Archive's migration holds the one legacy connection (stalled in its metadata), {@code waiter} waits for it, and the
   * service stops: the stop ends within {@code stopWithinSeconds}, no connection is opened after it began, and
   * Archive's migration stops at its next message.
   *
   * @return why the waiter failed
   */
  private static Throwable stopWhileWaitingForTheOneConnection(Path tmp, String extraSettings,
      java.util.function.Consumer<Settings> before,
      java.util.function.Function<MigrationService, java.util.concurrent.Callable<?>> waiter, int stopWithinSeconds)
      throws Exception {
    try (Forwarder slow = new Forwarder(greenMail.getImap().getPort())) {
      Path conf = tmp.resolve("dovetail.conf");
      Files.writeString(conf, "imapc_host = 127.0.0.1\nimapc_port = " + slow.port() + "\n"
          + "mail_location = maildir:" + tmp + "/store/%n\nmail_fsync = never\nsweeper = no\n"
          + "dsync_commit_msgs_interval = 5\nmail_prefetch_count = 4\n" + extraSettings);
      Settings settings = ConfigLoader.load(conf, List.of());
      before.accept(settings);
      MigrationService service = MigrationService.create(settings, new ConnectionLimiter(1), Clock.systemUTC());
      ExecutorService clients = Executors.newFixedThreadPool(3);
      try {
        service.loggedIn(USER, Optional.of(PASSWORD));
        service.ensureSkeleton(USER);
        int connected = slow.connections();
        slow.stallAfter(2000);
        Future<FolderResult> archive =
            clients.submit(() -> service.ensureFolder(USER, "Archive", MigrationListener.NONE));
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (slow.connections() == connected && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertEquals(connected + 1, slow.connections(), "Archive's migration connected");
        Future<?> waiting = clients.submit(waiter.apply(service));
        Thread.sleep(500); // it waits for the connection Archive holds

        Future<?> stop = clients.submit(service::close);
        Thread.sleep(200);
        slow.flowing(); // Archive goes on to its next message, stops there, and gives its connection back
        stop.get(stopWithinSeconds, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(connected + 1, slow.connections(), "a connection was opened after the stop began");
        assertThrows(java.util.concurrent.ExecutionException.class,
            () -> archive.get(10, java.util.concurrent.TimeUnit.SECONDS), "Archive stopped at its next message");
        return assertThrows(java.util.concurrent.ExecutionException.class,
            () -> waiting.get(10, java.util.concurrent.TimeUnit.SECONDS)).getCause();
      } finally {
        service.close();
        clients.shutdownNow();
      }
    }
  }

  /**
   * Without a master user, a user who logged in once for a minute while the sweeper was busy (here: paused) is still
   * migrated by it an hour later: the password is kept while the sweeper has folders of the user left, up to a day
   * (review 16, F4; it was forgotten 5 minutes after the session and the sweeper said "no credentials").
   */
  @Test
  void theSweeperReachesAUserWhoLoggedInOnceWhileItWasBusy(@TempDir Path tmp) throws Exception {
    legacyUser("lou", "Work");
    Settings on = settings(tmp, "sweeper = yes");
    AtomicLong nanos = new AtomicLong();
    try (MigrationService service = MigrationService.create(on, user -> Backup.store(on, user), new ConnectionLimiter(10),
        Clock.systemUTC(), MigrationService.Options.defaults().withRescanPeriod(java.time.Duration.ofMillis(50))
            .withPasswordTicker(nanos::get))) {
      service.sweeper().pause();
      service.loggedIn("lou", Optional.of(PASSWORD));
      service.loggedOut("lou");
      nanos.addAndGet(java.time.Duration.ofHours(1).toNanos());
      service.sweeper().resume();
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (!service.status("lou").complete() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(service.status("lou").complete(), service.status("lou").toString());
    }
  }

  /**
   * A kept password that the legacy server refuses (changed there since the login) is tried once, not at every round
   * for a day from Dovetail's one address (review 17: an account lockout, or a ban of the address): the sweeper then
   * waits for the user's next login.
   */
  @Test
  void aKeptPasswordTheLegacyServerRefusesIsNotTriedAgainEachRound(@TempDir Path tmp) throws Exception {
    legacyUser("max", "Work");
    Settings on = settings(tmp, "sweeper = yes");
    try (MigrationService service = MigrationService.create(on, user -> Backup.store(on, user), new ConnectionLimiter(10),
        Clock.systemUTC(), MigrationService.Options.defaults().withRescanPeriod(java.time.Duration.ofMillis(50)))) {
      service.sweeper().pause();
      service.loggedIn("max", Optional.of("changed-since")); // as a login let in by the stored hash
      service.loggedOut("max");
      int before = forwarder.connections();
      service.sweeper().resume();
      service.awaitSweeperRounds(5);
      assertEquals(1, forwarder.connections() - before, "one legacy login, refused, then none");
      assertFalse(service.status("max").complete());
    }
  }

  /**
   * The sweeper refreshes the skeleton of a user it migrates, so a legacy folder created since is migrated too; a user
   * who is complete is not swept, and stays complete. Inside {@code legacy_sync_window} its late-mail pass lists her
   * legacy folders (at most once per period) and takes in one made since (walk-through 17, F7); outside it, no LIST.
   */
  @Test
  void theSweeperTakesNewLegacyFoldersOfTheUsersItMigratesAndLeavesCompleteUsersComplete(@TempDir Path tmp)
      throws Exception {
    legacyUser("erin", "Work");
    legacyUser("fay", "Work");
    Settings off = settings(tmp);
    try (MigrationService service = service(off)) {
      service.loggedIn("erin", Optional.of(PASSWORD));
      service.ensureSkeleton("erin"); // Work and INBOX stay pending
      service.loggedIn("fay", Optional.of(PASSWORD));
      assertTrue(service.migrateUser("fay", List.of()).get().complete());
    }
    createLegacy("erin", "Later");
    createLegacy("fay", "Later");

    Settings on = settings(tmp, "sweeper = yes");
    try (MigrationService service = MigrationService.create(on, user -> Backup.store(on, user), new ConnectionLimiter(10),
        Clock.systemUTC(), MigrationService.Options.defaults().withRescanPeriod(java.time.Duration.ofMillis(50)))) {
      service.loggedIn("erin", Optional.of(PASSWORD)); // the only credentials: no master user
      service.loggedIn("fay", Optional.of(PASSWORD));
      service.awaitSweeperRounds(3);
      assertTrue(service.status("erin").complete(), service.status("erin").toString());
      assertEquals(1, Backup.store(on, "erin").open("Later").messages().size());
      assertEquals(1, Backup.store(on, "fay").open("Later").messages().size(), "the late-mail pass took it in");
      assertTrue(service.status("fay").complete());
    }
  }

  /** Outside {@code legacy_sync_window} a complete user is not asked at all: a folder made since stays on legacy. */
  @Test
  void outsideTheWindowTheSweeperLeavesACompleteUsersNewLegacyFolderAlone(@TempDir Path tmp) throws Exception {
    legacyUser("hal", "Work");
    Settings on = settings(tmp, "sweeper = yes\nlegacy_sync_window = 0");
    try (MigrationService service = MigrationService.create(on, user -> Backup.store(on, user), new ConnectionLimiter(10),
        Clock.systemUTC(), MigrationService.Options.defaults().withRescanPeriod(java.time.Duration.ofMillis(50)))) {
      service.loggedIn("hal", Optional.of(PASSWORD));
      assertTrue(service.migrateUser("hal", List.of()).get().complete());
      createLegacy("hal", "Later");
      Thread.sleep(1000); // some twenty rounds of 50 ms
      assertFalse(Backup.store(on, "hal").exists("Later"), "a complete user is not refreshed by the sweeper");
      assertTrue(service.status("hal").complete());
    }
  }

  /**
   * A skeleton built before the record of seen legacy folders existed: its first refresh records the legacy folders
   * listed and sets none of them up (it cannot tell new ones from those the user deleted); the next one sets up the
   * folders created after it.
   */
  @Test
  void theFirstRefreshOfASkeletonWithoutTheSeenRecordSetsUpNothing(@TempDir Path tmp) throws Exception {
    String user = "gus";
    legacyUser(user, "Old");
    Settings settings = settings(tmp);
    try (MigrationService service = service(settings)) {
      service.loggedIn(user, Optional.of(PASSWORD));
      assertTrue(service.migrateUser(user, List.of()).get().complete());
      MailStore store = Backup.store(settings, user);
      // As an earlier version left it: skeleton.built, no skeleton.seen.N.
      store.open("INBOX").updateDovetailState(s -> s.entrySet().stream()
          .filter(e -> !e.getKey().startsWith("skeleton.seen."))
          .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
      assertTrue(service.hasSkeleton(user));
      store.delete("Old");
      createLegacy(user, "Between");

      assertTrue(service.migrateUser(user, List.of()).get().complete());
      assertFalse(store.exists("Old"), "a folder the user deleted is not set up again");
      assertFalse(store.exists("Between"), "nothing is set up before the record exists");

      createLegacy(user, "Later");
      assertTrue(service.migrateUser(user, List.of()).get().complete());
      assertEquals(1, store.open("Later").messages().size());
      assertFalse(store.exists("Old"));
      assertFalse(store.exists("Between"));
    }
  }

  /**
   * A folder made again on the legacy server between the user's login (the skeleton) and its migration: nothing of it
   * was copied, so it is migrated under its new UIDVALIDITY (it failed until an operator came before; Courier shows a
   * folder without a UID database so in every session).
   */
  @Test
  void aFolderMadeAgainOnTheLegacyServerBeforeItsMigrationIsMigratedUnderItsNewValue(@TempDir Path tmp)
      throws Exception {
    String user = "hugo";
    legacyUser(user, "Box");
    Settings settings = settings(tmp);
    try (MigrationService service = service(settings)) {
      service.loggedIn(user, Optional.of(PASSWORD));
      service.ensureSkeleton(user);
      MailStore store = Backup.store(settings, user);
      long after = recreateLegacy(user, "Box", store.open("Box").status().uidValidity());
      appendThree(user, "Box");

      FolderResult r = service.ensureFolder(user, "Box", MigrationListener.NONE);
      assertTrue(r.complete(), r.toString());
      assertEquals(after, store.open("Box").status().uidValidity());
      assertEquals(3, store.open("Box").messages().size());
    }
  }

  /**
   * A folder whose legacy UIDVALIDITY changed once something is in it fails, and its error tells the operator what to
   * do: move the local folder out of the store and run {@code migrate -f FOLDER}, which sets it up again (a plain
   * migrate does not: the folder was seen before, and it might be the user's deletion) with the new UIDVALIDITY and
   * every message.
   */
  @Test
  void aFailedFolderMovedAwayIsSetUpAgainByAMigrateThatNamesIt(@TempDir Path tmp) throws Exception {
    String user = "hal";
    legacyUser(user, "Box");
    Settings settings = settings(tmp);
    try (MigrationService service = service(settings)) {
      service.loggedIn(user, Optional.of(PASSWORD));
      service.ensureSkeleton(user);
      MailStore store = Backup.store(settings, user);
      long before = store.open("Box").status().uidValidity();
      // Another program (a Dovecot on the same store) wrote into the folder before its migration.
      store.open("Box").append(MessageMeta.withUid(1, Instant.parse("2024-05-04T00:00:00Z"), Flags.NONE),
          new ByteArrayInputStream(message("written here")));
      long after = recreateLegacy(user, "Box", before);
      appendThree(user, "Box");

      FolderResult failed = service.ensureFolder(user, "Box", MigrationListener.NONE);
      assertEquals(FolderResult.Outcome.FAILED, failed.outcome(), failed.toString());
      assertTrue(failed.reason().contains("`dovetail migrate -u USER -f 'Box'`"), failed.reason());
      // The operator moves it out of the store.
      Files.move(tmp.resolve("store").resolve(user).resolve(".Box"), tmp.resolve("Box.failed"));

      assertTrue(service.migrateUser(user, List.of()).get().complete());
      store = Backup.store(settings, user);
      assertFalse(store.exists("Box"), "seen before: a plain migrate cannot tell it from a folder the user deleted");
      var r = service.migrateUser(user, List.of("Box")).get();
      assertTrue(r.complete(), r.toString());
      assertEquals(after, store.open("Box").status().uidValidity());
      assertEquals(3, store.open("Box").messages().size());
      assertFalse(service.needsMigration(user, "Box"));
      assertTrue(service.status(user).complete());
    }
  }

  private void appendThree(String user, String folder) throws Exception {
    try (ImapProbe imap = ImapProbe.login(greenMail.getImap().getPort(), user, PASSWORD)) {
      for (int i = 1; i <= 3; i++) {
        imap.append(folder, message(user + " box " + i), List.of(), Instant.parse("2024-05-05T00:00:00Z"));
      }
    }
  }

  /**
   * Courier gives an empty folder that has no UID database yet a new UIDVALIDITY in every session (walk-through 15): a
   * skeleton and a migration a second apart saw two values, and the folder failed, so that it was refused to clients
   * until an operator came. Empty on both sides, no UID is at stake: it is migrated empty, under the skeleton's value.
   * (A folder recreated with mail in it takes the new value:
   * aFolderMadeAgainOnTheLegacyServerBeforeItsMigrationIsMigratedUnderItsNewValue.)
   */
  @Test
  void anEmptyLegacyFolderWhoseUidValidityChangedIsMigratedEmpty(@TempDir Path tmp) throws Exception {
    String user = "ida";
    legacyUser(user, "Empty");
    Settings settings = settings(tmp);
    try (MigrationService service = service(settings)) {
      service.loggedIn(user, Optional.of(PASSWORD));
      service.ensureSkeleton(user);
      MailStore store = Backup.store(settings, user);
      long before = store.open("Empty").status().uidValidity();
      recreateLegacy(user, "Empty", before); // what it had when the skeleton was built is gone there
      FolderResult r = service.ensureFolder(user, "Empty", MigrationListener.NONE);
      assertEquals(FolderResult.Outcome.COMPLETE, r.outcome(), r.toString());
      assertEquals(before, store.open("Empty").status().uidValidity());
      assertEquals(List.of(), store.open("Empty").messages());
      // Its one message had UID 1 under that UIDVALIDITY when the skeleton was built: no later message gets it (review
      // 18: a client that cached it from the legacy server would take a new message for the old one).
      assertEquals(2, store.open("Empty").status().nextUid());
    }
  }

  @Test
  void withoutAMasterUserOrALoginThereAreNoCredentials(@TempDir Path tmp) throws Exception {
    try (MigrationService service = service(settings(tmp))) {
      MigrationUnavailableException e = assertThrows(MigrationUnavailableException.class, () -> service.ensureSkeleton(USER));
      assertTrue(e.getMessage().contains("imapc_master_user"), e.getMessage());
      assertFalse(service.hasSkeleton(USER));
      assertFalse(Files.exists(tmp.resolve("store/alice")), "no store is created for a question");
      assertEquals(new UserStatus(USER, false, List.of()), service.status(USER));
    }
  }

  @Test
  void aLoginBuildsThePendingSkeletonAndOneFolderComesWithItsLegacyUidsAndFlags(@TempDir Path tmp) throws Exception {
    Settings settings = settings(tmp);
    try (MigrationService service = service(settings)) {
      service.loggedIn(USER, Optional.of(PASSWORD));
      service.ensureSkeleton(USER);
      assertTrue(service.hasSkeleton(USER));
      UserStatus before = service.status(USER);
      assertEquals(FOLDERS.stream().sorted(this::inboxFirst).toList(), names(before));
      assertTrue(before.folders().stream().allMatch(f -> f.state().equals("pending") && f.messagesDone() == 0
          && f.messagesTotal() == -1), before.toString());

      FolderResult work = service.ensureFolder(USER, "Work", MigrationListener.NONE);
      assertEquals(FolderResult.Outcome.COMPLETE, work.outcome(), work.toString());
      assertEquals(27, work.messages());
      MailStore store = Backup.store(settings, USER);
      try (ImapProbe imap = ImapProbe.login(greenMail.getImap().getPort(), USER, PASSWORD)) {
        Views.assertSameButSizes(Views.imap(imap, "Work"), Views.store(store, "Work"), "Work");
      }
      assertFalse(service.needsMigration(USER, "Work"));
      assertTrue(service.needsMigration(USER, "INBOX"));
      assertTrue(service.needsMigration(USER, "Archive"));
      assertEquals(0, store.open("Archive").messages().size(), "untouched folders stay pending and empty");

      Map<String, FolderStatus> after = service.status(USER).folders().stream()
          .collect(Collectors.toMap(FolderStatus::folder, f -> f));
      assertEquals("complete", after.get("Work").state());
      assertEquals(27, after.get("Work").messagesDone());
      assertEquals(27, after.get("Work").messagesTotal());
      assertTrue(after.get("Work").bytesTotal() > 0);
      assertEquals("pending", after.get("INBOX").state());
      assertEquals("pending", after.get("Archive").state());

      FolderResult again = service.ensureFolder(USER, "Work", MigrationListener.NONE);
      assertEquals(FolderResult.Outcome.COMPLETE, again.outcome());
      assertEquals(0, again.messages(), "a complete folder is answered from the store");
    }
    try (MigrationService restarted = service(settings)) {
      assertTrue(restarted.hasSkeleton(USER), "the skeleton is recorded in the store");
      assertFalse(restarted.needsMigration(USER, "Work"));
      assertTrue(restarted.needsMigration(USER, "INBOX"));
    }
  }

  @Test
  void tenCallersForOneFolderJoinOneMigrationAndGetOneResult(@TempDir Path tmp) throws Exception {
    Settings settings = settings(tmp);
    int callers = 10;
    MigrationService[] holder = new MigrationService[1];
    // The migration holds at its start until all ten callers joined it, so none of them can come too late.
    MigrationListener observer = new MigrationListener() {
      @Override
      public void folderStarted(String folder, long messages, long bytes) {
        try {
          holder[0].awaitJoiners(USER, folder, callers);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    try (MigrationService service = MigrationService.create(settings, user -> Backup.store(settings, user),
        new ConnectionLimiter(10), Clock.systemUTC(), MigrationService.Options.defaults().withObserver(observer))) {
      holder[0] = service;
      service.loggedIn(USER, Optional.of(PASSWORD));
      service.ensureSkeleton(USER);
      int connectionsBefore = forwarder.connections();

      List<List<String>> events = new ArrayList<>();
      List<Future<FolderResult>> results = new ArrayList<>();
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(callers);
      try {
        for (int i = 0; i < callers; i++) {
          List<String> seen = new CopyOnWriteArrayList<>();
          events.add(seen);
          results.add(pool.submit(() -> {
            go.await();
            return service.ensureFolder(USER, "Archive", new MigrationListener() {
              @Override
              public void folderStarted(String folder, long messages, long bytes) {
                seen.add("started " + messages);
              }

              @Override
              public void progress(Progress p) {
                seen.add(p.messagesDone() + "/" + p.messagesTotal());
              }
            });
          }));
        }
        go.countDown();
        FolderResult first = results.get(0).get();
        for (Future<FolderResult> r : results) {
          assertSame(first, r.get(), "every caller gets the one migration's result");
        }
        assertEquals(FolderResult.Outcome.COMPLETE, first.outcome());
        assertEquals(40, first.messages());
      } finally {
        pool.shutdownNow();
      }
      assertEquals(1, forwarder.connections() - connectionsBefore, "one legacy session for ten callers");
      List<String> expected = new ArrayList<>(List.of("started 40"));
      for (int i = 1; i <= 40; i++) {
        expected.add(i + "/40");
      }
      for (List<String> seen : events) {
        assertEquals(expected, seen, "each caller saw the one migration, start to end");
      }
      try (ImapProbe imap = ImapProbe.login(greenMail.getImap().getPort(), USER, PASSWORD)) {
        Views.assertSameButSizes(Views.imap(imap, "Archive"),
            Views.store(Backup.store(settings, USER), "Archive"), "Archive");
      }
    }
  }

  private int inboxFirst(String a, String b) {
    return a.equals("INBOX") ? -1 : b.equals("INBOX") ? 1 : a.compareTo(b);
  }

  private static List<String> names(UserStatus s) {
    return s.folders().stream().map(FolderStatus::folder).toList();
  }
}
