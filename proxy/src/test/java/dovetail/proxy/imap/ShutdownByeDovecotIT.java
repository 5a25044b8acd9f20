package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.migrator.copy.MigrationListener;
import dovetail.migrator.copy.Progress;
import dovetail.proxy.auth.LogCapture;
import dovetail.proxy.server.TestDovetail;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stopping server says goodbye to every IMAP client, as Dovecot's imap does ({@code * BYE Server shutting down.}),
 * also to one whose SELECT waits on an on-access migration (walk-through 5, F13: its connection just dropped, and the
 * log blamed the legacy server).
 */
class ShutdownByeDovecotIT {
  @TempDir Path dir;

  @Test
  void everyClientHearsByeWhenTheServerStops() throws Exception {
    DovecotServer.assumeInstalled();
    CountDownLatch heldReached = new CountDownLatch(1);
    CountDownLatch heldRelease = new CountDownLatch(1);
    try (DovecotServer legacy = DovecotServer.builder(dir.resolve("legacy")).user("alice", "secret")
        .masterUser("master", "master-secret").autoCreateSpecialUse(false).start()) {
      try (ImapProbe p = ImapProbe.login(legacy, "alice")) {
        p.create("Held");
        for (int i = 0; i < 30; i++) {
          p.append("Held", ("Subject: held " + i + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII), List.of(),
              Instant.parse("2024-01-01T00:00:00Z"));
        }
      }
      TestDovetail dovetail = TestDovetail.builder(dir.resolve("dovetail")).user("alice", "{PLAIN}secret")
          .legacyImap(legacy.imapPort(), "master", "master-secret")
          .setting("sweeper = no").setting("mail_fsync = never").setting("mail_prefetch_count = 5")
          .migrationObserver(new MigrationListener() {
            @Override
            public void progress(Progress progress) {
              if (progress.folder().equals("Held") && progress.messagesDone() >= 10 && heldReached.getCount() > 0) {
                heldReached.countDown();
                try {
                  heldRelease.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            }
          })
          .start();
      Thread stopper = new Thread(dovetail::close);
      try (LogCapture log = new LogCapture();
          RawImap idle = RawImap.connect(dovetail.imapPort());
          RawImap waiting = RawImap.connect(dovetail.imapPort())) {
        assertTrue(RawImap.last(idle.command("LOGIN alice secret")).contains(" OK"));
        assertTrue(RawImap.last(waiting.command("LOGIN alice secret")).contains(" OK"));
        waiting.send("s SELECT Held");
        assertTrue(heldReached.await(60, TimeUnit.SECONDS), "the migration of Held started");

        stopper.start();
        assertEquals(List.of("* BYE Server shutting down."), idle.untilClosed());
        List<String> waited = waiting.untilClosed();
        assertTrue(!waited.isEmpty() && waited.get(waited.size() - 1).equals("* BYE Server shutting down."),
            waited.toString());
        heldRelease.countDown();
        stopper.join(60_000);
        assertTrue(log.problems().stream().noneMatch(l -> l.contains("needs the legacy server")), log.problems()
            .toString());
      } finally {
        heldRelease.countDown();
        stopper.join(60_000);
      }
    }
  }
}
