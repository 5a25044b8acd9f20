package dovetail.migrator.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.conf.ConfigLoader;
import dovetail.conf.FsyncMode;
import dovetail.store.MailStore;
import dovetail.store.StoreOptions;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import dovetail.store.maildir.MaildirStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Dovecot 2.3 as the legacy server (master user), with a corpus whose UIDVALIDITY, UID gaps and
 * NEXTUID were chosen by writing its Maildir directly: after {@code backup}, a second real Dovecot serving
 * the migrated store must show exactly what the legacy one shows, folder by folder, over IMAP.
 */
class DovecotBackupIT {
  private static final int BIG = 50 << 20;
  @TempDir static Path shared;
  private static DovecotServer legacy;

  @BeforeAll
  static void startLegacy() {
    legacy = DovecotLegacy.start(shared.resolve("legacy"), root -> LegacyCorpus.write(root, BIG), "");
  }

  @AfterAll
  static void stopLegacy() {
    if (legacy != null) {
      legacy.close();
    }
  }

  private static UserResult backup(Path conf, List<String> folders) {
    return Backup.of(ConfigLoader.load(conf, List.of()), DovecotLegacy.USER, false, new ConnectionLimiter(2),
        Clock.systemUTC()).run(folders, MigrationListener.NONE);
  }

  @Test
  void dovecotServingTheMigratedStoreShowsExactlyWhatTheLegacyServerShows(@TempDir Path tmp) {
    Path judgeDir = tmp.resolve("judge");
    Path conf = DovecotLegacy.conf(tmp.resolve("dovetail.conf"), legacy.imapPort(), DovecotLegacy.mailLocation(judgeDir),
        "mail_prefetch_count = 4", "dsync_commit_msgs_interval = 5");
    UserResult first = backup(conf, List.of());
    assertTrue(first.complete(), first.toString());
    assertEquals(LegacyCorpus.FOLDERS.size(), first.folders().size());

    UserResult again = backup(conf, List.of());
    assertTrue(again.complete(), again.toString());
    assertEquals(0, again.messages(), "a complete user is not copied twice");

    Map<String, Views.FolderView> expected =
        DovecotLegacy.views(legacy, DovecotLegacy.USER, DovecotLegacy.identity(LegacyCorpus.FOLDERS));
    assertEquals(4294967295L, expected.get("INBOX").uidValidity());
    assertEquals(1000, expected.get("INBOX").uidNext());
    assertEquals(List.of(1L, 2L, 5L, 9L, 10L, 11L, 40L, 41L), expected.get("INBOX").uids());
    assertEquals(57, expected.get("Empty").uidNext());
    try (DovecotServer judge = DovecotLegacy.judge(judgeDir)) {
      Views.assertSame(expected, DovecotLegacy.views(judge, DovecotLegacy.USER,
          DovecotLegacy.identity(LegacyCorpus.FOLDERS)));
      try (ImapProbe l = ImapProbe.login(legacy, DovecotLegacy.USER); ImapProbe j = ImapProbe.login(judge, DovecotLegacy.USER)) {
        assertEquals(new HashSet<>(l.lsub()), new HashSet<>(j.lsub()), "subscriptions");
        assertEquals(listed(l), listed(j), "LIST, with \\Noselect parents and special-use");
      }
      assertEquals(List.of(), judge.logProblems(), "Dovecot found nothing to repair in the migrated store");
    }
    assertEquals(List.of(), legacy.logProblems());
    MailStore store = MaildirStore.open(judgeDir.resolve("home/alice/Maildir"), StoreOptions.DEFAULT);
    Map<String, String> sent = store.open("Sent").dovetailState();
    assertEquals("complete", sent.get(MigrationState.STATE));
    assertEquals("\\Sent", sent.get(MigrationState.LEGACY_SPECIAL_USE));
    assertEquals("31", sent.get(MigrationState.LEGACY_UIDNEXT));
    assertTrue(Long.parseLong(sent.get(MigrationState.LEGACY_HIGHESTMODSEQ)) > 0, "Dovecot offers CONDSTORE: " + sent);
  }

  @Test
  void aCourierStyleInboxPrefixWithDotSeparatorMapsToTheSameFolders(@TempDir Path tmp) {
    try (DovecotServer courier = DovecotLegacy.start(tmp.resolve("courier"), root -> LegacyCorpus.write(root, 100_000),
        "namespace inbox {\n  prefix = INBOX.\n  separator = .\n}")) {
      Path conf = DovecotLegacy.conf(tmp.resolve("dovetail.conf"), courier.imapPort(),
          "maildir:" + tmp.resolve("store") + "/%n", "imapc_list_prefix = INBOX");
      UserResult r = backup(conf, List.of());
      assertTrue(r.complete(), r.toString());

      Map<String, String> legacyNames = new LinkedHashMap<>();
      for (String local : LegacyCorpus.FOLDERS) {
        legacyNames.put(local.equals("INBOX") ? "INBOX" : "INBOX." + local.replace('/', '.'), local);
      }
      Map<String, Views.FolderView> expected = DovecotLegacy.views(courier, DovecotLegacy.USER, legacyNames);
      MailStore store = MaildirStore.open(tmp.resolve("store/alice"), StoreOptions.DEFAULT.withFsync(FsyncMode.NEVER));
      Map<String, Views.FolderView> migrated = new LinkedHashMap<>();
      for (String local : LegacyCorpus.FOLDERS) {
        migrated.put(local, Views.store(store, local));
      }
      Views.assertSame(expected, migrated);
      assertEquals(new HashSet<>(LegacyCorpus.SUBSCRIBED), store.subscriptions());
      assertEquals("INBOX.Archive.2024", store.open("Archive/2024").dovetailState().get(MigrationState.LEGACY_NAME));
      assertEquals(List.of(), courier.logProblems());
    }
  }

  @Test
  void onlyTheNamedFoldersAreMigrated(@TempDir Path tmp) {
    Path conf = DovecotLegacy.conf(tmp.resolve("dovetail.conf"), legacy.imapPort(), "maildir:" + tmp + "/%n");
    UserResult r = backup(conf, List.of("Tom & Jerry", "Entw&APw-rfe"));
    assertTrue(r.complete(), r.toString());
    assertEquals(List.of("Tom & Jerry", "Entwürfe"), r.folders().stream().map(FolderResult::folder).toList());
    MailStore store = MaildirStore.open(tmp.resolve("alice"), StoreOptions.DEFAULT);
    assertEquals("pending", store.open("INBOX").dovetailState().get(MigrationState.STATE));
    assertEquals("complete", store.open("Entwürfe").dovetailState().get(MigrationState.STATE));
  }

  /** LIST entries with their lasting attributes ({@link ImapProbe.ListEntry#lastingAttributes}). */
  private static java.util.Set<String> listed(ImapProbe probe) {
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (ImapProbe.ListEntry e : probe.list()) {
      out.add(e.name() + " " + e.separator() + " " + e.lastingAttributes());
    }
    return out;
  }
}
