package dovetail.migrator.copy;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dovetail.conf.ConfigLoader;
import dovetail.conf.Settings;
import dovetail.migrator.service.MigrationService;
import dovetail.store.MailStore;
import dovetail.store.StoreOptions;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import dovetail.store.maildir.MaildirStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Walk-through 15 F4: a legacy server whose personal namespace has no prefix (Cyrus's {@code altnamespace}, Dovecot's
 * default) also lists other users' and shared folders. Real Dovecot 2.3 with an other-users ({@code type = shared})
 * and a shared ({@code type = public}) namespace: only the user's own folders and subscriptions are migrated, and one
 * INFO line says what was left out.
 */
class SharedNamespacesDovecotIT {
  /** Subscriptions of all namespaces live in the personal one ({@code subscriptions = no}), as on Cyrus. */
  private static final String NAMESPACES = """
      namespace bob {
        type = shared
        separator = /
        prefix = "Other Users/bob/"
        location = maildir:~/bob-maildir
        list = yes
        subscriptions = no
      }
      namespace announcements {
        type = public
        separator = /
        prefix = "Shared Folders/"
        location = maildir:~/public-maildir
        list = yes
        subscriptions = no
      }
      """;
  private static final byte[] MESSAGE = "Subject: hello\r\n\r\nbody\r\n".getBytes(US_ASCII);

  @Test
  void onlyTheUsersOwnFoldersAndSubscriptionsAreMigrated(@TempDir Path tmp) {
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    Logger lister = (Logger) LoggerFactory.getLogger("dovetail.migrator.source.FolderLister");
    Level before = lister.getLevel();
    lister.setLevel(Level.INFO);
    log.start();
    lister.addAppender(log);
    try (DovecotServer legacy = DovecotLegacy.start(tmp.resolve("legacy"), root -> {}, NAMESPACES)) {
      try (ImapProbe alice = ImapProbe.login(legacy, DovecotLegacy.USER)) {
        for (String folder : List.of("Work", "Other Users/bob/Projects", "Shared Folders/Announcements")) {
          alice.create(folder);
          alice.append(folder, MESSAGE, List.of(), Instant.parse("2024-01-02T03:04:05Z"));
          alice.subscribe(folder);
        }
        alice.create("Other Users/bob/Old");
      }
      Path judgeDir = tmp.resolve("judge");
      Path conf = DovecotLegacy.conf(tmp.resolve("dovetail.conf"), legacy.imapPort(),
          DovecotLegacy.mailLocation(judgeDir));
      UserResult result = Backup.of(ConfigLoader.load(conf, List.of()), DovecotLegacy.USER, false,
          new ConnectionLimiter(2), Clock.systemUTC()).run(List.of(), MigrationListener.NONE);

      assertTrue(result.complete(), result.toString());
      MailStore store = MaildirStore.open(judgeDir.resolve("home/alice/Maildir"), StoreOptions.DEFAULT);
      assertEquals(Set.of("INBOX", "Work"), new TreeSet<>(store.listFolders()));
      assertEquals(Set.of("Work"), store.subscriptions());
      assertEquals(List.of(), legacy.logProblems());
    } finally {
      lister.detachAppender(log);
      lister.setLevel(before);
    }
    List<String> infos = log.list.stream().filter(e -> e.getLevel() == Level.INFO)
        .map(ILoggingEvent::getFormattedMessage).toList();
    assertEquals(List.of("alice: 3 legacy folder(s) of other users' or shared namespaces left out, not migrated "
        + "(other users \"Other Users/bob/\": 2, shared \"Shared Folders/\": 1)"), infos);
  }

  /**
   * Walk-through 17, F1: a build from before such folders were left out set them up; after an upgrade they were still
   * migrated (another user's mail into this user's store). Now their migration fails at once, copying nothing, and
   * names the namespace; a backup run again says so, and the user's own folders are migrated as before.
   */
  @Test
  void aFolderOfAnotherUsersNamespaceSetUpByAnOlderBuildIsNotMigrated(@TempDir Path tmp) {
    try (DovecotServer legacy = DovecotLegacy.start(tmp.resolve("legacy"), root -> {}, NAMESPACES)) {
      long uidValidity;
      try (ImapProbe alice = ImapProbe.login(legacy, DovecotLegacy.USER)) {
        for (String folder : List.of("Work", "Other Users/bob/Projects")) {
          alice.create(folder);
          alice.append(folder, MESSAGE, List.of(), Instant.parse("2024-01-02T03:04:05Z"));
        }
        uidValidity = alice.status("Other Users/bob/Projects").uidValidity();
      }
      Path judgeDir = tmp.resolve("judge");
      Path conf = DovecotLegacy.conf(tmp.resolve("dovetail.conf"), legacy.imapPort(),
          DovecotLegacy.mailLocation(judgeDir));
      MailStore store = MaildirStore.open(judgeDir.resolve("home/alice/Maildir"), StoreOptions.DEFAULT);
      // As the older build's skeleton left it: the folder pending under its legacy name.
      String local = "Other Users/bob/Projects";
      store.create(local, uidValidity, 1).updateDovetailState(s -> MigrationState.merge(s, java.util.Map.of(
          MigrationState.STATE, "pending", MigrationState.LEGACY_NAME, "Other Users/bob/Projects",
          MigrationState.LEGACY_SEPARATOR, "/", MigrationState.LEGACY_UIDVALIDITY, Long.toString(uidValidity))));

      UserResult result = Backup.of(ConfigLoader.load(conf, List.of()), DovecotLegacy.USER, false,
          new ConnectionLimiter(2), Clock.systemUTC()).run(List.of(), MigrationListener.NONE);

      FolderResult shared = result.folders().stream().filter(f -> f.folder().equals(local)).findFirst().orElseThrow();
      assertEquals(FolderResult.Outcome.FAILED, shared.outcome(), result.toString());
      assertTrue(shared.reason().contains("is in the other users \"Other Users/bob/\" namespace"), shared.reason());
      assertEquals(0, store.open(local).status().messages(), "nothing of bob's mail in alice's store");
      assertEquals("failed", store.open(local).dovetailState().get(MigrationState.STATE));
      assertEquals(1, store.open("Work").status().messages());
    }
  }

  /**
   * Walk-through 17, F1: the operator is told once per user which folders an older build set up from other users' or
   * shared namespaces, and to remove them; a complete one (its mail came then) as well as one not migrated. Two admin
   * runs refresh the skeleton twice: one WARN.
   */
  @Test
  void theOperatorIsToldOnceWhichFoldersAnOlderBuildSetUpFromOtherNamespaces(@TempDir Path tmp) throws Exception {
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    Logger builds = (Logger) LoggerFactory.getLogger("dovetail.migrator.service.SkeletonBuilds");
    log.start();
    builds.addAppender(log);
    try (DovecotServer legacy = DovecotLegacy.start(tmp.resolve("legacy"), root -> {}, NAMESPACES)) {
      Map<String, Long> uidValidities = new java.util.HashMap<>();
      try (ImapProbe alice = ImapProbe.login(legacy, DovecotLegacy.USER)) {
        for (String folder : List.of("Work", "Other Users/bob/Projects", "Shared Folders/News")) {
          alice.create(folder);
          alice.append(folder, MESSAGE, List.of(), Instant.parse("2024-01-02T03:04:05Z"));
          uidValidities.put(folder, alice.status(folder).uidValidity());
        }
      }
      Path judgeDir = tmp.resolve("judge");
      Settings settings = ConfigLoader.load(DovecotLegacy.conf(tmp.resolve("dovetail.conf"), legacy.imapPort(),
          DovecotLegacy.mailLocation(judgeDir), "sweeper = no"), List.of());
      MailStore store = MaildirStore.open(judgeDir.resolve("home/alice/Maildir"), StoreOptions.DEFAULT);
      // As the older build left them: one still pending, one it migrated.
      for (String folder : List.of("Other Users/bob/Projects", "Shared Folders/News")) {
        String state = folder.startsWith("Shared") ? "complete" : "pending";
        store.create(folder, uidValidities.get(folder), 1).updateDovetailState(s -> MigrationState.merge(s, Map.of(
            MigrationState.STATE, state, MigrationState.LEGACY_NAME, folder, MigrationState.LEGACY_SEPARATOR, "/",
            MigrationState.LEGACY_UIDVALIDITY, Long.toString(uidValidities.get(folder)))));
      }

      try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(2), Clock.systemUTC())) {
        service.migrateUser(DovecotLegacy.USER, List.of()).get(60, TimeUnit.SECONDS);
        service.migrateUser(DovecotLegacy.USER, List.of()).get(60, TimeUnit.SECONDS);
      }

      assertEquals(0, store.open("Other Users/bob/Projects").status().messages(), "nothing of bob's mail here");
      assertEquals(1, store.open("Work").status().messages());
    } finally {
      builds.detachAppender(log);
    }
    List<String> warnings = log.list.stream().filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("namespaces")).toList();
    assertEquals(1, warnings.size(), warnings.toString());
    String warning = warnings.get(0);
    assertTrue(warning.startsWith("alice: 2 folder(s) of other users' or shared namespaces"), warning);
    assertTrue(warning.contains("Other Users/bob/Projects (other users \"Other Users/bob/\", not migrated)"), warning);
    assertTrue(warning.contains("Shared Folders/News (shared \"Shared Folders/\", migrated by that build)"), warning);
    assertTrue(warning.contains("remove them from the user's store"), warning);
  }
}
