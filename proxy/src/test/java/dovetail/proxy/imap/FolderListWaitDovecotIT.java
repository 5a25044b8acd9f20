package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.migrator.copy.MigrationListener;
import dovetail.proxy.server.TestDovetail;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walk-through 18, F7: a user's first LIST reads the legacy folder list, which may wait for a legacy connection that
 * migrations hold (here the only one, legacy_max_connections = 1, held by another user's folder migration). The
 * client heard nothing meanwhile (47 s in the walk-through, past some clients' time-outs); now it hears untagged OKs,
 * as a SELECT waiting for its folder does.
 */
class FolderListWaitDovecotIT {
  @TempDir Path tmp;

  @Test
  void aFirstListWaitingForALegacyConnectionHearsProgress() throws Exception {
    DovecotServer.assumeInstalled();
    CountDownLatch bobHeld = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
    try (DovecotServer legacy = DovecotServer.builder(tmp.resolve("legacy")).user("erin", "secret")
        .user("bob", "secret").masterUser("master", "master-secret").autoCreateSpecialUse(false).start();
        TestDovetail serve = TestDovetail.builder(tmp.resolve("serve"))
            .legacyPassdb(legacy.imapPort(), "master", "master-secret").setting("legacy_max_connections = 1")
            .setting("sweeper = no").setting("mail_fsync = never").progressInterval(Duration.ofMillis(100))
            .migrationObserver(new MigrationListener() {
              @Override
              public void folderStarted(String folder, long messages, long bytes) {
                if (bobHeld.getCount() > 0) {
                  bobHeld.countDown(); // bob's INBOX: its run holds the one legacy connection until released
                  try {
                    release.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }
              }
            }).start()) {
      Thread bob = new Thread(() -> {
        try (ImapProbe client = ImapProbe.login(serve.imapPort(), "bob", "secret")) {
          client.examine("INBOX");
        }
      });
      bob.start();
      try (RawImap erin = RawImap.connect(serve.imapPort())) {
        assertTrue(bobHeld.await(30, TimeUnit.SECONDS), "bob's INBOX migration started");
        assertTrue(RawImap.last(erin.command("LOGIN erin secret")).contains(" OK"));
        later.schedule(release::countDown, 1500, TimeUnit.MILLISECONDS);
        List<String> list = erin.command("LIST \"\" \"*\"");
        assertTrue(RawImap.last(list).contains(" OK"), list.toString());
        assertTrue(list.contains("* OK Reading your folders from the legacy server, please wait"), list.toString());
        assertTrue(list.stream().anyMatch(l -> l.startsWith("* LIST ") && l.endsWith(" \"INBOX\"")), list.toString());
      } finally {
        release.countDown();
        bob.join(30_000);
        later.shutdownNow();
      }
    }
  }
}
