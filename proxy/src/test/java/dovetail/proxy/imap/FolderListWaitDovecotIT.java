package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.HeldMigration;
import dovetail.proxy.server.TestDovetail;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    HeldMigration bobsInbox = new HeldMigration(); // its run holds the one legacy connection until released
    ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
    try (DovecotServer legacy = DovecotServer.builder(tmp.resolve("legacy")).user("erin", "secret")
        .user("bob", "secret").masterUser("master", "master-secret").autoCreateSpecialUse(false).start();
        TestDovetail serve = TestDovetail.builder(tmp.resolve("serve"))
            .legacyPassdb(legacy.imapPort(), "master", "master-secret").setting("legacy_max_connections = 1")
            .setting("sweeper = no").setting("mail_fsync = never").progressInterval(Duration.ofMillis(100))
            .migrationObserver(bobsInbox).start()) {
      Thread bob = new Thread(() -> {
        try (ImapProbe client = ImapProbe.login(serve.imapPort(), "bob", "secret")) {
          client.examine("INBOX");
        }
      });
      bob.start();
      try (RawImap erin = RawImap.connect(serve.imapPort())) {
        bobsInbox.awaitStarted();
        assertTrue(RawImap.last(erin.command("LOGIN erin secret")).contains(" OK"));
        later.schedule(bobsInbox::release, 1500, TimeUnit.MILLISECONDS);
        List<String> list = erin.command("LIST \"\" \"*\"");
        assertTrue(RawImap.last(list).contains(" OK"), list.toString());
        assertTrue(list.contains("* OK Reading your folders from the legacy server, please wait"), list.toString());
        assertTrue(list.stream().anyMatch(l -> l.startsWith("* LIST ") && l.endsWith(" \"INBOX\"")), list.toString());
      } finally {
        bobsInbox.release();
        bob.join(30_000);
        later.shutdownNow();
      }
    }
  }
}
