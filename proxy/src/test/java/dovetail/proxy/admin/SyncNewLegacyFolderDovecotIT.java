package dovetail.proxy.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dovetail.proxy.cli.CliRun;
import dovetail.store.Flags;
import dovetail.store.MessageMeta;
import java.io.ByteArrayInputStream;
import dovetail.proxy.server.LegacyMailboxes;
import dovetail.proxy.server.TestDovetail;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dovetail sync -1} as the cut-over runbook's last check, when a legacy folder was made after the user was
 * complete (walk-through 17, F7: it said "0 late messages merged", exit 0, and the folder's mail stayed on the legacy
 * server). Real Dovecot 2.3 is the legacy server; Dovetail knows its master user and the sweeper is off.
 */
class SyncNewLegacyFolderDovecotIT {
  @TempDir static Path dir;
  private static DovecotServer legacy;
  private static TestDovetail dovetail;


  @BeforeAll
  static void start() throws Exception {
    DovecotServer.assumeInstalled();
    Path legacyDir = dir.resolve("legacy");
    LegacyMailboxes.write(DovecotServer.maildir(legacyDir, "rita"), LegacyMailboxes.counts("INBOX", 4, "Sent", 3), 21);
    LegacyMailboxes.write(DovecotServer.maildir(legacyDir, "sam"), LegacyMailboxes.counts("INBOX", 2), 22);
    legacy = DovecotServer.builder(legacyDir).user("rita", "rita-pw").user("sam", "sam-pw")
        .masterUser("master", "master-secret").autoCreateSpecialUse(false).start();
    dovetail = TestDovetail.builder(dir.resolve("dovetail")).legacyPassdb(legacy.imapPort(), "master", "master-secret")
        .setting("imapc_features = rfc822.size").setting("sweeper = no").setting("mail_fsync = never")
        .setting("legacy_sync_window = 72h").start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
    if (legacy != null) {
      legacy.close();
    }
  }

  @Test
  void syncMigratesAFolderMadeOnTheLegacyServerAndSaysSo() throws Exception {
    String conf = dovetail.configFile().toString();
    CliRun migrate = CliRun.of("migrate", "-c", conf, "-u", "rita", "--wait");
    assertEquals(0, migrate.exit(), migrate.out() + migrate.err());
    try (ImapProbe rita = ImapProbe.login(dovetail.imapPort(), "rita", "rita-pw")) {
      rita.delete("Sent"); // the user's own choice here: not brought back
    }
    makeOnLegacy("rita", "Later", 2);

    CliRun sync = CliRun.of("sync", "-c", conf, "-1", "-u", "rita");
    assertEquals(0, sync.exit(), sync.out() + sync.err());
    assertTrue(sync.out().contains("  Later: new on the legacy server: migrated, 2 messages"), sync.out());
    assertTrue(sync.out().lines().anyMatch(l -> l.startsWith("rita: 0 late messages merged")
        && l.endsWith("; new legacy folders: 1/1 migrated, 2 messages")), sync.out());
    try (ImapProbe rita = ImapProbe.login(dovetail.imapPort(), "rita", "rita-pw")) {
      List<String> names = rita.list().stream().map(ImapProbe.ListEntry::name).toList();
      assertTrue(names.contains("Later"), names.toString());
      assertFalse(names.contains("Sent"), names.toString());
      assertEquals(2, rita.examine("Later").messages().size());
    }
    CliRun status = CliRun.of("status", "-c", conf, "-u", "rita", "--json");
    JsonNode user = AdminProtocol.JSON.readTree(status.out()).path("users").path(0);
    assertTrue(user.path("complete").asBoolean(), status.out());

    CliRun again = CliRun.of("sync", "-c", conf, "-1", "-u", "rita");
    assertEquals(0, again.exit(), again.out() + again.err());
    assertFalse(again.out().contains("new on the legacy server"), again.out());
  }

  /** A new legacy folder that cannot be migrated (the user's own folder of that name holds mail) fails the sync. */
  @Test
  void syncFailsWhenAFolderMadeOnTheLegacyServerCannotBeMigrated() throws Exception {
    String conf = dovetail.configFile().toString();
    CliRun migrate = CliRun.of("migrate", "-c", conf, "-u", "sam", "--wait");
    assertEquals(0, migrate.exit(), migrate.out() + migrate.err());
    // The user's own folder, under a UIDVALIDITY no legacy folder made in the same second can share (a local folder
    // with the legacy folder's value is adopted as already copied).
    dovetail.store("sam").create("Later", 7, 1).append(MessageMeta.next(Instant.parse("2024-06-01T00:00:00Z"),
        Flags.NONE), new ByteArrayInputStream("Subject: mine\r\n\r\nkept here\r\n".getBytes(StandardCharsets.US_ASCII)));
    makeOnLegacy("sam", "Later", 1);

    CliRun sync = CliRun.of("sync", "-c", conf, "-1", "-u", "sam");
    assertEquals(1, sync.exit(), sync.out() + sync.err());
    assertTrue(sync.out().contains("  ! local folder 'Later' exists with 1 messages"), sync.out());
  }

  private static void makeOnLegacy(String user, String folder, int count) throws IOException {
    try (ImapProbe imap = ImapProbe.login(legacy, user)) {
      imap.create(folder);
      for (int i = 1; i <= count; i++) {
        imap.append(folder, ("Subject: " + folder + " " + i + "\r\n\r\nmade on the legacy server\r\n")
            .getBytes(StandardCharsets.US_ASCII), List.of(), Instant.parse("2024-07-01T09:00:00Z"));
      }
    }
  }

}
