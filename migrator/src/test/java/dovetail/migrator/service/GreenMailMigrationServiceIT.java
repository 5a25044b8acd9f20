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
import dovetail.migrator.copy.ConnectionLimiter;
import dovetail.migrator.copy.FolderResult;
import dovetail.migrator.copy.MigrationListener;
import dovetail.migrator.copy.Progress;
import dovetail.migrator.copy.Views;
import dovetail.store.MailStore;
import dovetail.store.dovecot.ImapProbe;
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
    Path conf = tmp.resolve("dovetail.conf");
    Files.writeString(conf, "imapc_host = 127.0.0.1\nimapc_port = " + forwarder.port() + "\n"
        + "imapc_connection_retry_count = 1\nimapc_connection_retry_interval = 20 ms\n"
        + "mail_location = maildir:" + tmp + "/store/%n\nmail_fsync = never\nsweeper = no\n"
        + "dsync_commit_msgs_interval = 5\nmail_prefetch_count = 4\n");
    return ConfigLoader.load(conf, List.of());
  }

  private static MigrationService service(Settings settings) {
    return MigrationService.create(settings, new ConnectionLimiter(10), Clock.systemUTC());
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
