package dovetail.proxy.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.cli.CliRun;
import dovetail.proxy.server.LegacyMailboxes;
import dovetail.proxy.server.OtherProcessLock;
import dovetail.proxy.server.TestDovetail;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review 21, F7: {@code sync -1 -u USER -f INBOX} while another process held INBOX (a backup copying it) printed
 * nothing until that process let go; only the server log said it waited. Now the terminal says so at once.
 */
class SyncWaitDovecotIT {
  static final String WAITING = "INBOX: another process migrates or checks this folder (a backup?); waiting for it";

  @TempDir Path dir;

  @Test
  void syncSaysAtOnceThatItWaitsForAnotherProcessAndMergesOnceItLetsGo() throws Exception {
    DovecotServer.assumeInstalled();
    Path legacyDir = dir.resolve("legacy");
    LegacyMailboxes.write(DovecotServer.maildir(legacyDir, "tess"), LegacyMailboxes.counts("INBOX", 3), 31);
    try (DovecotServer legacy = DovecotServer.builder(legacyDir).user("tess", "tess-pw")
        .masterUser("master", "master-secret").autoCreateSpecialUse(false).start();
        TestDovetail dovetail = TestDovetail.builder(dir.resolve("dovetail"))
            .legacyPassdb(legacy.imapPort(), "master", "master-secret")
            .setting("sweeper = no").setting("mail_fsync = never").start()) {
      String conf = dovetail.configFile().toString();
      CliRun migrate = CliRun.of("migrate", "-c", conf, "-u", "tess", "--wait");
      assertEquals(0, migrate.exit(), migrate.out() + migrate.err());
      try (ImapProbe tess = ImapProbe.login(legacy, "tess")) {
        tess.append("INBOX", "Subject: late\r\n\r\nafter the migration\r\n".getBytes(StandardCharsets.US_ASCII),
            List.of(), Instant.parse("2024-05-01T00:00:00Z"));
      }

      StringWriter out = new StringWriter();
      CompletableFuture<CliRun> sync;
      Path lock = dovetail.mailRoot().resolve("tess").resolve("Maildir").resolve("dovetail-migration.lock");
      assertTrue(Files.exists(lock), lock + " is not the lock the migration took");
      try (OtherProcessLock held = OtherProcessLock.hold(lock)) {
        sync = CompletableFuture.supplyAsync(() -> CliRun.of(out, "sync", "-c", conf, "-1", "-u", "tess", "-f", "INBOX"));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!out.toString().contains(WAITING) && System.nanoTime() < end && !sync.isDone()) {
          Thread.sleep(50);
        }
        assertTrue(out.toString().contains(WAITING), "nothing on the terminal while sync waits: '" + out + "'");
        assertTrue(!sync.isDone(), "sync did not wait: " + out);
      }
      CliRun done = sync.get(60, TimeUnit.SECONDS);
      assertEquals(0, done.exit(), done.out() + done.err());
      assertTrue(done.out().contains("  INBOX: checked, 1 late messages merged"), done.out());
    }
  }
}
