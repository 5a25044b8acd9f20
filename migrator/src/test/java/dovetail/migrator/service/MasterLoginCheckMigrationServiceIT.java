package dovetail.migrator.service;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.conf.ConfigLoader;
import dovetail.conf.Settings;
import dovetail.migrator.copy.ConnectionLimiter;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Dovecot 2.3 with a master user, behind a {@link RefusingProxy}: what a refused master login means is read from
 * the RFC 5530 response code of the server's tagged answer, never from text that merely mentions a code.
 */
class MasterLoginCheckMigrationServiceIT {
  private static final String MASTER = "master";
  private static final String MASTER_PASSWORD = "master-secret";
  /** A wrong master password, said by a server whose free text mentions the other code (review 12, F7). */
  private static final String WRONG_MASTER_PASSWORD_MENTIONING_AUTHORIZATION =
      "NO [AUTHENTICATIONFAILED] Authentication failed (this is not [AUTHORIZATIONFAILED]).";

  @TempDir static Path dir;
  private static DovecotServer legacy;

  @BeforeAll
  static void start() {
    DovecotServer.assumeInstalled();
    legacy = DovecotServer.builder(dir.resolve("legacy")).masterUser(MASTER, MASTER_PASSWORD)
        .autoCreateSpecialUse(false).user("carol", "carol-pw").start();
    try (ImapProbe imap = ImapProbe.login(legacy, "carol")) {
      imap.append("INBOX", "Subject: hello\r\n\r\nx\r\n".getBytes(US_ASCII), List.of(),
          Instant.parse("2024-01-01T00:00:00Z"));
    }
  }

  @AfterAll
  static void stop() {
    if (legacy != null) {
      legacy.close();
    }
  }

  static Settings settings(Path tmp, int port) throws Exception {
    String c = "imapc_host = 127.0.0.1\nimapc_port = " + port + "\n"
        + "imapc_master_user = " + MASTER + "\nimapc_password = " + MASTER_PASSWORD + "\n"
        + "imapc_connection_retry_count = 0\nimapc_connection_retry_interval = 20 ms\n"
        + "mail_location = maildir:" + tmp + "/store/%n\nmail_fsync = never\nsweeper = no\n";
    return ConfigLoader.load(Files.writeString(tmp.resolve("dovetail.conf"), c), List.of());
  }

  /**
   * LMTP's lookup: a wrong master password ({@code [AUTHENTICATIONFAILED]}) with no master login seen yet says
   * nothing about the user, whatever the text says; it was read as "no such user" (a permanent 550) because the text
   * held "[AUTHORIZATIONFAILED]". The admin's migrate says the settings may be wrong, not "check the name".
   */
  @Test
  void aCodeInTheServersFreeTextIsNotTheAnswersCode(@TempDir Path tmp) throws Exception {
    try (RefusingProxy proxy = new RefusingProxy(legacy.imapPort());
        MigrationService service = MigrationService.create(settings(tmp, proxy.port()), new ConnectionLimiter(4),
            Clock.systemUTC())) {
      proxy.refuse("AUTHENTICATE PLAIN", 1, WRONG_MASTER_PASSWORD_MENTIONING_AUTHORIZATION);
      MigrationUnavailableException ghost = assertThrows(MigrationUnavailableException.class,
          () -> service.ensureSkeleton("ghost"));
      assertTrue(ghost.loginRefused(), ghost.getMessage());
      assertFalse(service.refusalMeansNoAccount("ghost", ghost), ghost.getMessage());

      proxy.refuse("AUTHENTICATE PLAIN", 1, WRONG_MASTER_PASSWORD_MENTIONING_AUTHORIZATION);
      ExecutionException e = assertThrows(ExecutionException.class, () -> service.migrateUser("ghost", List.of()).get());
      MigrationUnavailableException admin = assertInstanceOf(MigrationUnavailableException.class, e.getCause());
      assertFalse(admin.loginRefused(), "a rerun helps once the settings are right: " + admin.getMessage());
      assertFalse(admin.getMessage().contains("does not know") || admin.getMessage().contains("check the name"),
          admin.getMessage());

      // Dovecot's own answer for a user it does not have, [AUTHORIZATIONFAILED] as the code, still says so alone.
      MigrationUnavailableException nobody = assertThrows(MigrationUnavailableException.class,
          () -> service.ensureSkeleton("nobody"));
      assertTrue(service.refusalMeansNoAccount("nobody", nobody), nobody.getMessage());
    }
  }

  /**
   * The same through the skeleton's own login (a user whose store exists but whose skeleton was never built): the
   * refusal came back as the run's abort text only, and the code was looked for in that text.
   */
  @Test
  void theSkeletonRunsRefusalCarriesTheAnswersCode(@TempDir Path tmp) throws Exception {
    try (RefusingProxy proxy = new RefusingProxy(legacy.imapPort());
        MigrationService service = MigrationService.create(settings(tmp, proxy.port()), new ConnectionLimiter(4),
            Clock.systemUTC())) {
      Files.createDirectories(tmp.resolve("store/frank"));
      proxy.refuse("AUTHENTICATE PLAIN", 1, WRONG_MASTER_PASSWORD_MENTIONING_AUTHORIZATION);
      MigrationUnavailableException frank = assertThrows(MigrationUnavailableException.class,
          () -> service.ensureSkeleton("frank"));
      assertTrue(frank.loginRefused(), frank.getMessage());
      assertTrue(frank.getMessage().contains("[AUTHORIZATIONFAILED]"), "the text mentions it: " + frank.getMessage());
      assertFalse(service.refusalMeansNoAccount("frank", frank), frank.getMessage());
    }
  }
}
