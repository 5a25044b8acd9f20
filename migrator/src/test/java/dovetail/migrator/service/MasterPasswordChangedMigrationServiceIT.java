package dovetail.migrator.service;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.conf.Settings;
import dovetail.migrator.copy.Backup;
import dovetail.migrator.copy.ConnectionLimiter;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walk-through 11, W4: real Dovecot 2.3 with a master user whose password changes on the legacy server after master
 * logins worked in this process. A master login refused then ({@code [AUTHENTICATIONFAILED]}, as for any wrong
 * master password) says nothing about the user: the master user is tried again as a user it logged in as before, and
 * only if that still works is the user taken for one the legacy server does not have.
 */
class MasterPasswordChangedMigrationServiceIT {
  private static final String MASTER = "master";
  private static final String MASTER_PASSWORD = "master-secret";
  private static final List<String> USERS = List.of("carol", "dave", "erin");

  @TempDir static Path dir;
  private static DovecotServer legacy;

  @BeforeAll
  static void start() {
    DovecotServer.assumeInstalled();
    DovecotServer.Builder b = DovecotServer.builder(dir.resolve("legacy")).masterUser(MASTER, MASTER_PASSWORD)
        .autoCreateSpecialUse(false);
    USERS.forEach(u -> b.user(u, u + "-pw"));
    legacy = b.start();
    for (String user : USERS) {
      try (ImapProbe imap = ImapProbe.login(legacy, user)) {
        for (int i = 0; i < 3; i++) {
          imap.append("INBOX", ("Subject: " + user + " " + i + "\r\n\r\nx\r\n").getBytes(US_ASCII), List.of(),
              Instant.parse("2024-01-01T00:00:00Z").plusSeconds(i));
        }
      }
    }
  }

  @AfterAll
  static void stop() {
    if (legacy != null) {
      legacy.close();
    }
  }

  @AfterEach
  void masterPasswordBack() {
    legacy.changeMasterPassword(MASTER_PASSWORD);
  }

  private static Settings settings(Path tmp, int port, String... extra) throws Exception {
    return LegacySettings.of(tmp, port, MASTER, MASTER_PASSWORD,
        List.of("imapc_connection_retry_count = 0",
            "imapc_connection_retry_interval = 20 ms"), extra);
  }

  private static MigrationUnavailableException refusal(MigrationService service, String user) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> service.migrateUser(user, List.of()).get());
    return assertInstanceOf(MigrationUnavailableException.class, e.getCause());
  }

  /**
   * The admin's migrate (the CLI's exit code follows {@code loginRefused}: 67 "no such user", else 1 "run it again").
   * A legacy server that answers an unknown user with a plain {@code [AUTHENTICATIONFAILED]} (here a proxy in front
   * of Dovecot) still gets "no such user" while the master user logs in; after the master password changed, a user
   * the legacy server has gets the settings named.
   */
  @Test
  void aRefusedMasterLoginIsNoSuchUserOnlyWhileTheMasterUserStillLogsInAsAnotherUser(@TempDir Path tmp)
      throws Exception {
    try (RefusingProxy proxy = new RefusingProxy(legacy.imapPort())) {
      Settings settings = settings(tmp, proxy.port(), "sweeper = no");
      try (MigrationService service = MigrationService.create(settings, new ConnectionLimiter(4), Clock.systemUTC())) {
        assertTrue(service.migrateUser("carol", List.of()).get().complete());

        // imapc_master_login = sasl (the default): AUTHENTICATE PLAIN, its credentials on the next line. Nothing else
        // logs in now (no sweeper), so the next one is ghost's.
        proxy.refuse("AUTHENTICATE PLAIN", 1, "NO [AUTHENTICATIONFAILED] Authentication failed.");
        MigrationUnavailableException ghost = refusal(service, "ghost");
        assertTrue(ghost.loginRefused(), ghost.getMessage());
        assertTrue(ghost.getMessage().contains("no such user there: the master user logs in"), ghost.getMessage());
        assertTrue(ghost.getMessage().contains("check the name"), ghost.getMessage());
        assertEquals(1, proxy.refused());

        legacy.changeMasterPassword("changed-on-the-legacy-server");
        MigrationUnavailableException dave = refusal(service, "dave");
        assertFalse(dave.loginRefused(), "a rerun helps once the password is fixed: " + dave.getMessage());
        assertTrue(dave.getMessage().contains("check imapc_master_user and imapc_password"), dave.getMessage());
        assertTrue(dave.getMessage().contains("carol"), "the user the master user was checked as: " + dave.getMessage());
        assertFalse(dave.getMessage().contains("no such user") || dave.getMessage().contains("check the name"),
            dave.getMessage());

        legacy.changeMasterPassword(MASTER_PASSWORD);
        assertTrue(service.migrateUser("dave", List.of()).get().complete());
        assertEquals(3, Backup.store(settings, "dave").open("INBOX").messages().size());
      }
    }
  }

  /**
   * The sweeper draws no "no such user" from such a refusal: a {@code sweeper_users} user stays known and incomplete
   * while the master password is wrong, and is migrated by a later round once it is right again.
   */
  @Test
  void theSweeperKeepsAUserRefusedWhileTheMasterPasswordIsWrongAndMigratesItOnceFixed(@TempDir Path tmp)
      throws Exception {
    Path users = Files.writeString(tmp.resolve("users.txt"), "carol\n");
    Settings settings = settings(tmp, legacy.imapPort(), "sweeper = yes", "sweeper_users = " + users);
    try (MigrationService service = MigrationService.create(settings, user -> Backup.store(settings, user),
        new ConnectionLimiter(4), Clock.systemUTC(),
        MigrationService.Options.defaults().withRescanPeriod(Duration.ofMillis(200)))) {
      service.awaitSweeperRounds(1);
      assertTrue(service.status("carol").complete(), service.status("carol").toString());

      legacy.changeMasterPassword("changed-on-the-legacy-server");
      Files.writeString(users, "erin\n", StandardOpenOption.APPEND);
      service.awaitSweeperRounds(3); // round 3 began after erin was listed
      assertTrue(service.knownUsers().contains("erin"), service.knownUsers().toString());
      assertFalse(service.status("erin").complete());

      legacy.changeMasterPassword(MASTER_PASSWORD);
      service.awaitSweeperRounds(5);
      assertTrue(service.status("erin").complete(), service.status("erin").toString());
      assertEquals(3, Backup.store(settings, "erin").open("INBOX").messages().size());
    }
  }
}
