package dovetail.migrator.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.MailStore;
import dovetail.store.StoreOptions;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import dovetail.store.maildir.MaildirStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the backup process at random points, then reruns: after every kill the store holds a prefix
 * of each legacy folder, message for message (no duplicate, no gap, no changed UID), and the last run
 * completes it. A legacy UIDVALIDITY that changes between runs stops the folder loudly, mixing nothing.
 */
class BackupKillDovecotIT {
  private static final int PER_FOLDER = 700;
  private static final int KILLS = 6;

  @Test
  void killedAtRandomPointsEveryRerunContinuesWithoutDuplicateGapOrChangedUid(@TempDir Path tmp) {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    try (DovecotServer legacy = DovecotLegacy.start(tmp.resolve("legacy"), root -> KillCorpus.write(root, PER_FOLDER, 11), "")) {
      Path judgeDir = tmp.resolve("judge");
      Path conf = DovecotLegacy.conf(tmp.resolve("dovetail.conf"), legacy.imapPort(), DovecotLegacy.mailLocation(judgeDir),
          "mail_prefetch_count = 10", "dsync_commit_msgs_interval = 25");
      Map<String, Views.FolderView> expected =
          DovecotLegacy.views(legacy, DovecotLegacy.USER, DovecotLegacy.identity(KillCorpus.FOLDERS));
      Path root = judgeDir.resolve("home/alice/Maildir");

      int kills = 0;
      for (int run = 0; run < KILLS; run++) {
        ChildJvm child = ChildJvm.start("-Xmx256m", conf, DovecotLegacy.USER);
        if (run == 0) {
          sleep(200 + random.nextInt(500)); // during start-up or the skeleton
        } else {
          long target = 1 + random.nextInt(300);
          long deadline = System.nanoTime() + 60_000_000_000L;
          while (child.process.isAlive() && child.progressLines() < target && System.nanoTime() < deadline) {
            sleep(1);
          }
          sleep(random.nextInt(20));
        }
        if (!child.process.isAlive()) {
          break; // it finished before the kill
        }
        child.kill();
        kills++;
        assertEveryFolderIsAPrefix(root, expected, "after kill " + kills + " (seed " + seed + ")");
      }

      ChildJvm last = ChildJvm.start("-Xmx256m", conf, DovecotLegacy.USER);
      assertEquals(0, last.waitFor(120), last.output());
      assertTrue(last.resultLine().startsWith("result complete"), last.resultLine());
      assertTrue(kills >= 3, "only " + kills + " kills landed (seed " + seed + ")");

      try (DovecotServer judge = DovecotLegacy.judge(judgeDir)) {
        Views.assertSame(expected, DovecotLegacy.views(judge, DovecotLegacy.USER,
            DovecotLegacy.identity(KillCorpus.FOLDERS)));
        assertEquals(List.of(), judge.logProblems());
      }
      System.out.println("kill -9 test: " + kills + " kills, seed " + seed);
    }
  }

  /**
   * Walk-through 17, F8: a second backup (or serve) of the same user while one runs took the other's copies for another
   * program's mail and renumbered whole folders. One migration of a folder at a time: the second waits for it.
   */
  @Test
  void twoBackupsOfOneUserAtOnceCopyEveryMessageOnceUnderItsUid(@TempDir Path tmp) {
    try (DovecotServer legacy = DovecotLegacy.start(tmp.resolve("legacy"), root -> KillCorpus.write(root, PER_FOLDER, 13), "")) {
      Path judgeDir = tmp.resolve("judge");
      Path conf = DovecotLegacy.conf(tmp.resolve("dovetail.conf"), legacy.imapPort(), DovecotLegacy.mailLocation(judgeDir),
          "mail_prefetch_count = 10", "dsync_commit_msgs_interval = 25");
      Map<String, Views.FolderView> expected =
          DovecotLegacy.views(legacy, DovecotLegacy.USER, DovecotLegacy.identity(KillCorpus.FOLDERS));
      ChildJvm first = ChildJvm.start("-Xmx256m", conf, DovecotLegacy.USER);
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (first.process.isAlive() && first.progressLines() < 20 && System.nanoTime() < deadline) {
        sleep(1);
      }
      assertTrue(first.process.isAlive(), "the first backup ended before the second began:\n" + first.output());
      ChildJvm second = ChildJvm.start("-Xmx256m", conf, DovecotLegacy.USER);
      assertEquals(0, second.waitFor(120), second.output());
      assertEquals(0, first.waitFor(120), first.output());
      for (ChildJvm child : List.of(first, second)) {
        assertTrue(child.resultLine().startsWith("result complete"), child.resultLine());
        assertTrue(child.lines.stream().noneMatch(l -> l.contains("another program")), child.output());
      }
      try (DovecotServer judge = DovecotLegacy.judge(judgeDir)) {
        Views.assertSame(expected, DovecotLegacy.views(judge, DovecotLegacy.USER,
            DovecotLegacy.identity(KillCorpus.FOLDERS)));
      }
    }
  }

  @Test
  void aLegacyUidValidityThatChangesBetweenRunsStopsLoudlyAndMixesNothing(@TempDir Path tmp) {
    try (DovecotServer legacy = DovecotLegacy.start(tmp.resolve("legacy"), root -> KillCorpus.write(root, 200, 12), "")) {
      Path conf = DovecotLegacy.conf(tmp.resolve("dovetail.conf"), legacy.imapPort(), "maildir:" + tmp + "/store/%n",
          "dsync_commit_msgs_interval = 10");
      ChildJvm first = ChildJvm.start("-Xmx128m", conf, DovecotLegacy.USER, "--halt-after", "55", "-f", "Work");
      assertEquals(137, first.waitFor(60), first.output());
      MailStore store = MaildirStore.open(tmp.resolve("store/alice"), StoreOptions.DEFAULT);
      Views.FolderView before = Views.store(store, "Work");
      assertTrue(before.messages().size() >= 50 && before.messages().size() <= 55, before.uids().toString());

      long newUidValidity;
      try (ImapProbe probe = ImapProbe.login(legacy, DovecotLegacy.USER)) {
        probe.command(null, "DELETE Work");
        probe.create("Work");
        probe.append("Work", LegacyCorpus.CLEAN, List.of(), null);
        newUidValidity = probe.status("Work").uidValidity();
      }
      ChildJvm second = ChildJvm.start("-Xmx128m", conf, DovecotLegacy.USER, "-f", "Work");
      assertEquals(2, second.waitFor(60), second.output());
      String result = second.resultLine();
      assertTrue(result.contains("UIDVALIDITY of 'Work' changed from 1600000001 to " + newUidValidity), result);
      assertEquals(before, Views.store(store, "Work"), "nothing was copied into or removed from the folder");
      assertEquals("failed", store.open("Work").dovetailState().get(MigrationState.STATE));
    }
  }

  /**
   * Walk-through 17, F3: expunges and flag changes that a device still at the legacy server makes between a killed run
   * and the next one reach the part the killed run copied too (no client has seen that part yet).
   */
  @Test
  void legacyExpungesAndFlagChangesBetweenRunsReachWhatTheKilledRunCopied(@TempDir Path tmp) {
    try (DovecotServer legacy = DovecotLegacy.start(tmp.resolve("legacy"), root -> KillCorpus.write(root, 1300, 14), "")) {
      Path judgeDir = tmp.resolve("judge");
      Path conf = DovecotLegacy.conf(tmp.resolve("dovetail.conf"), legacy.imapPort(), DovecotLegacy.mailLocation(judgeDir),
          "dsync_commit_msgs_interval = 50");
      ChildJvm first = ChildJvm.start("-Xmx128m", conf, DovecotLegacy.USER, "--halt-after", "1200", "-f", "Work");
      assertEquals(137, first.waitFor(60), first.output());
      MailStore store = MaildirStore.open(judgeDir.resolve("home/alice/Maildir"), StoreOptions.DEFAULT);
      List<Long> copied = Views.store(store, "Work").uids();
      // What the changes below touch lies at or below the recorded resume point (recorded every 1,000 UIDs): above
      // it, a message gone from the legacy server cannot be told from another program's (EarlierCopies).
      long recorded = MigrationState.number(store.open("Work").dovetailState().get(ForeignWrites.COMMITTED));
      assertTrue(copied.size() >= 1150 && recorded >= copied.get(30), copied.size() + " copied, recorded " + recorded);

      try (ImapProbe probe = ImapProbe.login(legacy, DovecotLegacy.USER)) {
        probe.expunge("Work", List.of(copied.get(2), copied.get(30)));
        probe.setFlags("Work", copied.get(5), List.of("\\Flagged", "\\Answered", "Later"));
        probe.setFlags("Work", copied.get(6), List.of());
      }
      Map<String, Views.FolderView> expected =
          DovecotLegacy.views(legacy, DovecotLegacy.USER, DovecotLegacy.identity(List.of("Work")));
      ChildJvm second = ChildJvm.start("-Xmx128m", conf, DovecotLegacy.USER, "-f", "Work");
      assertEquals(0, second.waitFor(60), second.output());
      try (DovecotServer judge = DovecotLegacy.judge(judgeDir)) {
        Views.assertSame(expected, DovecotLegacy.views(judge, DovecotLegacy.USER, DovecotLegacy.identity(List.of("Work"))));
      }
    }
  }

  /** Each folder holds the first n legacy messages exactly (n may be 0), and a complete one holds all. */
  private static void assertEveryFolderIsAPrefix(Path root, Map<String, Views.FolderView> expected, String when) {
    MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT);
    for (String folder : KillCorpus.FOLDERS) {
      if (!store.exists(folder)) {
        continue;
      }
      Views.FolderView legacy = expected.get(folder);
      Views.FolderView local = Views.store(store, folder);
      if (store.open(folder).dovetailState().isEmpty() && local.messages().isEmpty()) {
        continue; // created, state not yet written
      }
      assertEquals(legacy.uidValidity(), local.uidValidity(), when + ": " + folder + " UIDVALIDITY");
      int n = local.messages().size();
      assertTrue(n <= legacy.messages().size(), when + ": " + folder + " has more messages than the legacy one");
      assertEquals(legacy.messages().subList(0, n), local.messages(), when + ": " + folder + " is not a prefix");
      if ("complete".equals(store.open(folder).dovetailState().get(MigrationState.STATE))) {
        assertEquals(legacy, local, when + ": complete " + folder);
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
