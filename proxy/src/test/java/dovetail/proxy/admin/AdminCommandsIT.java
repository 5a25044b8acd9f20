package dovetail.proxy.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dovetail.migrator.copy.FolderResult;
import dovetail.migrator.copy.UserResult;
import dovetail.migrator.service.MigrationUnavailableException;
import dovetail.migrator.service.UserStatus;
import dovetail.proxy.cli.CliRun;
import dovetail.store.StoreError;
import dovetail.store.StoreException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin commands, run as `main` runs them, against a real AdminServer on a temporary socket. */
class AdminCommandsIT {
  @TempDir Path dir;
  private AdminServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private Path serve(FixedMigrations migrations) throws IOException {
    server = AdminServer.start(dir.resolve("admin.sock"), migrations, Duration.ofMillis(5));
    return server.socket();
  }

  @Test
  void statusPrintsATablePerUserWithProgressBarsErrorsAndSummaries() throws IOException {
    Path socket = serve(FixedMigrations.aliceAndBob());
    CliRun status = CliRun.of("status", "--socket", socket.toString());
    assertEquals(0, status.exit(), status.err());
    List<String> lines = status.out().lines().toList();
    String text = status.out();
    assertEquals("alice", lines.get(0));
    assertTrue(lines.get(1).matches("\\s+FOLDER\\s+STATE\\s+MESSAGES\\s+BYTES\\s+PROGRESS\\s+ERRORS\\s+RATE\\s+ETA"),
        text);
    assertRow(lines, "INBOX", "complete", "1200/1200", "12.3 MB/12.3 MB", "[####################] 100%", "-",
        "-", "-");
    assertRow(lines, "Archive/2019", "migrating", "4100/12000", "41.0 MB/120.0 MB", "[######..............]  34%",
        "-", "100 msg/s", "1:19");
    assertRow(lines, "Trash", "failed", "10/50", "100.0 kB/500.0 kB", "[####................]  20%", "error", "-",
        "-");
    assertRow(lines, "Drafts", "pending", "0/?", "0 B", "[....................]    ?", "-", "-", "-");
    assertTrue(lines.contains("  ! Trash: legacy UIDVALIDITY changed"), text);
    assertTrue(lines.contains("alice: 1/4 folders complete, 1 pending, 1 migrating, 1 failed; 5310/? messages, "
        + "53.4 MB; 1 with errors; 100 msg/s; ETA unknown"), text);
    int bob = lines.indexOf("bob");
    assertTrue(bob > 0, text);
    assertEquals("  not migrated yet: no folders mirrored from the legacy server", lines.get(bob + 1));
    assertEquals(bob + 2, lines.size() - 2, "bob has no summary line of zeros: a blank line, then the total");
    assertEquals("total (2 users, 0 complete): 1/4 folders complete, 1 pending, 1 migrating, 1 failed; 5310/? "
        + "messages, 53.4 MB; 1 with errors; 100 msg/s; ETA unknown", lines.get(lines.size() - 1));
    assertEquals("", status.err());
  }

  /** Each cell of a row, in column order, separated by at least two spaces. */
  private static void assertRow(List<String> lines, String... cells) {
    String row = lines.stream().filter(l -> l.startsWith("  " + cells[0] + " ")).findFirst().orElseThrow();
    StringBuilder pattern = new StringBuilder("\\s*");
    for (String c : cells) {
      pattern.append(java.util.regex.Pattern.quote(c)).append("\\s*");
    }
    assertTrue(row.matches(pattern.toString()), row);
  }

  /** One user whose store cannot be read must not take status away from the others: that user says why. */
  @Test
  void statusOfEveryUserShowsTheOthersWhenOneCannotBeRead() throws IOException {
    FixedMigrations migrations = FixedMigrations.aliceAndBob();
    migrations.statusFailsFor.put("alice", new StoreException(StoreError.CORRUPT,
        "INBOX: dovecot-uidlist line 3 unreadable"));
    Path socket = serve(migrations);
    CliRun table = CliRun.of("status", "--socket", socket.toString());
    assertEquals(0, table.exit(), table.err());
    assertEquals(List.of("alice", "  ! status cannot be read: INBOX: dovecot-uidlist line 3 unreadable", "",
        "bob", "  not migrated yet: no folders mirrored from the legacy server", "",
        "total (2 users, 0 complete): 0/0 folders complete; 0/0 messages, 0 B of 0 B"), table.out().lines().toList());

    CliRun json = CliRun.of("status", "--socket", socket.toString(), "--json");
    assertEquals(0, json.exit(), json.err());
    JsonNode doc = AdminProtocol.JSON.readTree(json.out());
    assertEquals("status cannot be read: INBOX: dovecot-uidlist line 3 unreadable",
        doc.path("users").path(0).path("error").asText());
    assertTrue(doc.path("users").path(1).path("error").isNull(), doc.toString());
    assertEquals(2, doc.path("total").path("users").asInt());

    // Asked for by name, a user whose status cannot be read is still an error (exit 2), with its reason (it said
    // "internal error"; walk-through 11, W10).
    CliRun alice = CliRun.of("status", "--socket", socket.toString(), "-u", "alice");
    assertEquals(2, alice.exit());
    assertEquals(List.of("alice", "  ! status cannot be read: INBOX: dovecot-uidlist line 3 unreadable"),
        alice.out().lines().toList());
  }

  @Test
  void aUserNameNoStoreCanHaveIsAUsageErrorBeforeTheServerIsAsked() throws IOException {
    FixedMigrations migrations = FixedMigrations.aliceAndBob();
    Path socket = serve(migrations);
    CliRun migrate = CliRun.of("migrate", "--socket", socket.toString(), "-u", "../Alice");
    assertEquals(2, migrate.exit());
    assertTrue(migrate.err().startsWith("Invalid value for option '-u': invalid user name '../alice': '/' is not "
        + "allowed"), migrate.err());
    assertEquals(List.of(), migrations.migrateCalls);
  }

  @Test
  void statusJsonIsTheDocumentedDocument() throws IOException {
    Path socket = serve(FixedMigrations.aliceAndBob());
    CliRun status = CliRun.of("status", "--socket", socket.toString(), "-u", "alice", "--json");
    assertEquals(0, status.exit(), status.err());
    JsonNode doc = AdminProtocol.JSON.readTree(status.out());
    assertEquals(1, doc.path("version").asInt());
    assertEquals(1, doc.path("users").size());
    JsonNode alice = doc.path("users").path(0);
    assertEquals("alice", alice.path("user").asText());
    assertTrue(alice.path("skeleton").asBoolean());
    assertFalse(alice.path("complete").asBoolean());
    JsonNode archive = alice.path("folders").path(1);
    assertEquals("Archive/2019", archive.path("folder").asText());
    assertEquals("migrating", archive.path("state").asText());
    assertEquals(4100, archive.path("messages_done").asLong());
    assertEquals(12000, archive.path("messages_total").asLong());
    assertEquals(41_000_000, archive.path("bytes_done").asLong());
    assertEquals(120_000_000, archive.path("bytes_total").asLong());
    assertEquals(0, archive.path("skipped").asInt());
    assertTrue(archive.path("error").isNull());
    assertEquals(100.0, archive.path("messages_per_second").asDouble());
    assertEquals(79, archive.path("eta_seconds").asLong());
    assertEquals("legacy UIDVALIDITY changed", alice.path("folders").path(2).path("error").asText());
    JsonNode summary = alice.path("summary");
    assertEquals(4, summary.path("folders").asInt());
    assertEquals(1, summary.path("complete").asInt());
    assertEquals(1, summary.path("pending").asInt());
    assertEquals(5310, summary.path("messages_done").asLong());
    assertEquals(-1, summary.path("messages_total").asLong(), "Drafts' total is not known yet");
    assertEquals(1, summary.path("errors").asInt());
    assertEquals(-1, summary.path("eta_seconds").asLong());
    assertEquals(1, doc.path("total").path("users").asInt());
  }

  @Test
  void migrateWaitPrintsProgressAndTheOutcomeAndExits0WhenComplete() throws IOException {
    FixedMigrations migrations = FixedMigrations.aliceAndBob();
    migrations.steps.add(new UserStatus("alice", false, List.of()));
    migrations.steps.add(new UserStatus("alice", true, List.of(
        FixedMigrations.folder("INBOX", "migrating", 1, 3, 100, 300, Optional.empty(), 2, 1))));
    Path socket = serve(migrations);
    CliRun migrate = CliRun.of("migrate", "--socket", socket.toString(), "-u", "alice", "-f", "INBOX", "--wait");
    assertEquals(0, migrate.exit(), migrate.err());
    assertEquals(List.of(
        "alice: reading the folder list from the legacy server",
        "alice: 0/1 folders complete; 1/3 messages, 100 B; migrating INBOX 1/3 messages; 2 msg/s; ETA 0:01",
        "  INBOX: complete (3 messages, 300 B copied)",
        "alice: complete, 1/1 folders complete, 3 messages and 300 B copied in 0:42"), migrate.out().lines().toList());
    assertEquals(List.of("alice [INBOX]"), migrations.migrateCalls);
  }

  @Test
  void migrateWaitExits1WhenTheMigrationEndsIncomplete() throws IOException {
    FixedMigrations migrations = FixedMigrations.aliceAndBob();
    UserResult partial = FixedMigrations.result("alice", FixedMigrations.complete("INBOX", 3, 300),
        new FolderResult("Sent", FolderResult.Outcome.PARTIAL, 1, 10, List.of(), "legacy server went away"));
    migrations.outcome = () -> CompletableFuture.completedFuture(partial);
    Path socket = serve(migrations);
    CliRun migrate = CliRun.of("migrate", "--socket", socket.toString(), "-u", "alice", "--wait");
    assertEquals(1, migrate.exit(), migrate.err());
    assertTrue(migrate.out().contains("  Sent: partial: legacy server went away (1 messages, 10 B copied)"),
        migrate.out());
    assertTrue(migrate.out().contains("alice: INCOMPLETE, 1/2 folders complete"), migrate.out());
  }

  @Test
  void aLegacyServerThatIsUnavailableMakesMigrateWaitIncompleteNotAnError() throws IOException {
    FixedMigrations migrations = FixedMigrations.aliceAndBob();
    migrations.outcome = () -> CompletableFuture.failedFuture(
        new MigrationUnavailableException("legacy server unavailable: connection refused"));
    Path socket = serve(migrations);
    CliRun migrate = CliRun.of("migrate", "--socket", socket.toString(), "-u", "alice", "--wait");
    assertEquals(1, migrate.exit(), migrate.err());
    assertTrue(migrate.out().contains("  stopped: legacy server unavailable: connection refused"), migrate.out());
  }

  @Test
  void migrateExits2WhenTheServerAnswersAnError() throws IOException {
    FixedMigrations migrations = FixedMigrations.aliceAndBob();
    migrations.outcome = () -> CompletableFuture.failedFuture(new IllegalStateException("bug"));
    Path socket = serve(migrations);
    CliRun migrate = CliRun.of("migrate", "--socket", socket.toString(), "-u", "alice", "--wait");
    assertEquals(2, migrate.exit());
    assertEquals("dovetail migrate: " + MigrateVerb.FAILED, migrate.err().trim());
  }

  @Test
  void migrateWithoutWaitReturnsOnceTheRunStarted() throws IOException {
    FixedMigrations migrations = FixedMigrations.aliceAndBob();
    migrations.outcome = CompletableFuture::new; // still running when the command returns
    Path socket = serve(migrations);
    CliRun migrate = CliRun.of("migrate", "--socket", socket.toString(), "-u", "bob", "-f", "INBOX", "-f", "Sent");
    assertEquals(0, migrate.exit(), migrate.err());
    assertEquals("bob: migration started (INBOX, Sent); follow it with `dovetail status -u bob`",
        migrate.out().trim());
    assertEquals(List.of("bob [INBOX, Sent]"), migrations.migrateCalls);
  }

  @Test
  void sweeperPausesResumesAndReports() throws IOException {
    FixedMigrations migrations = FixedMigrations.aliceAndBob();
    Path socket = serve(migrations);
    CliRun pause = CliRun.of("sweeper", "--socket", socket.toString(), "pause");
    assertEquals(0, pause.exit(), pause.err());
    assertTrue(migrations.sweeper.paused);
    assertEquals("sweeper: paused; active: none; held by the pause: alice; 2 queued (next: bob, carol); 7 users complete;"
        + " 0 msg/s", pause.out().trim());
    CliRun resume = CliRun.of("sweeper", "--socket", socket.toString(), "resume");
    assertEquals(0, resume.exit(), resume.err());
    assertFalse(migrations.sweeper.paused);
    CliRun running = CliRun.of("sweeper", "--socket", socket.toString(), "status");
    assertEquals(0, running.exit(), running.err());
    assertTrue(running.out().trim().endsWith("sweeper: running; active: alice; 2 queued (next: bob, carol); "
        + "7 users complete; 42 msg/s"), running.out());
    migrations.sweeper.waiting = List.of("dave", "erin");
    migrations.sweeper.nextRoundSeconds = 42;
    CliRun waiting = CliRun.of("sweeper", "--socket", socket.toString(), "status");
    assertEquals(0, waiting.exit(), waiting.err());
    assertTrue(waiting.out().trim().endsWith("2 queued (next: bob, carol); 2 waiting for the next round (in 42 s); "
        + "7 users complete; 42 msg/s"), waiting.out());
  }

  @Test
  void anUnknownSweeperActionIsAUsageError() throws IOException {
    FixedMigrations migrations = FixedMigrations.aliceAndBob();
    Path socket = serve(migrations);
    CliRun stop = CliRun.of("sweeper", "--socket", socket.toString(), "stop");
    assertEquals(2, stop.exit());
    assertTrue(stop.err().contains("expected pause, resume or status, found 'stop'"), stop.err());
    assertFalse(migrations.sweeper.paused);
  }

  @Test
  void withoutARunningServerEveryCommandExits2WithTheHint() throws IOException {
    Path missing = dir.resolve("nobody-here.sock");
    Path stale = dir.resolve("stale.sock");
    try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      dead.bind(UnixDomainSocketAddress.of(stale));
    }
    for (Path socket : List.of(missing, stale)) {
      for (String[] args : List.of(new String[] {"status"}, new String[] {"status", "--json"},
          new String[] {"migrate", "-u", "alice", "--wait"}, new String[] {"sweeper", "status"})) {
        String[] full = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
            java.util.stream.Stream.of("--socket", socket.toString())).toArray(String[]::new);
        CliRun run = CliRun.of(full);
        assertEquals(2, run.exit(), String.join(" ", full));
        assertTrue(run.err().startsWith("dovetail " + args[0] + ": cannot reach the Dovetail server at " + socket
            + ": is `dovetail serve` running?"), run.err());
        assertEquals("", run.out(), String.join(" ", full));
      }
    }
  }

  @Test
  void theSocketIsFoundThroughTheConfigurationFile() throws IOException {
    Path socket = serve(FixedMigrations.aliceAndBob());
    Path conf = dir.resolve("dovetail.conf");
    Files.writeString(conf, "# the running server's settings\nadmin_socket = " + socket + "\n");
    CliRun status = CliRun.of("sweeper", "-c", conf.toString(), "status");
    assertEquals(0, status.exit(), status.err());
    assertTrue(status.out().startsWith("sweeper: running"), status.out());
  }

  @Test
  void aConfigurationMistakeExits78WithOneLine() throws IOException {
    Path conf = dir.resolve("dovetail.conf");
    Files.writeString(conf, "admin_socket =\n");
    CliRun status = CliRun.of("status", "-c", conf.toString());
    assertEquals(78, status.exit());
    String text = status.err().trim();
    assertEquals(1, text.lines().count(), text);
    assertTrue(text.startsWith("dovetail: " + conf + ":1: admin_socket: "), text);
  }

  @Test
  void socketAndConfigurationTogetherAreAUsageError() throws IOException {
    Path conf = dir.resolve("dovetail.conf");
    Files.writeString(conf, "admin_socket = /nowhere/admin.sock\n");
    CliRun status = CliRun.of("status", "-c", conf.toString(), "--socket", dir.resolve("x.sock").toString());
    assertEquals(2, status.exit());
    assertTrue(status.err().contains("--socket excludes -c and -o"), status.err());
  }
}
