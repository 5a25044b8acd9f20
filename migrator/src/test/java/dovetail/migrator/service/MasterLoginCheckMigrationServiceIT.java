package dovetail.migrator.service;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.conf.Settings;
import dovetail.migrator.copy.ConnectionLimiter;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Dovecot 2.3 with a master user, behind a {@link RefusingProxy}: what a refused master login means is read from
 * the RFC 5530 response code of the server's tagged answer, never from text that merely mentions a code; and the
 * witness login that checks a plain refusal is shared by concurrent refusals, never by a later one.
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

  /**
   * Review 11, F5: LMTP tries up to 4 names per unknown recipient, and each refusal cost a witness login as the same
   * real user, uncoalesced: spam to unknown addresses used up that user's connection slots on the legacy server.
   * Refusals whose logins all started before a witness login started share it (here: all of them are answered only
   * once all were sent). A refusal after that check completed gets a login of its own: the earlier one proves nothing
   * about it (the master password may have changed in between; walk-through 11, W4).
   */
  @Test
  void concurrentRefusalsShareAWitnessLoginThatStartedAfterThem(@TempDir Path tmp) throws Exception {
    int n = 6;
    String plainRefusal = "NO [AUTHENTICATIONFAILED] Authentication failed.";
    ExecutorService lookups = Executors.newFixedThreadPool(n);
    try (RefusingProxy proxy = new RefusingProxy(legacy.imapPort());
        MigrationService service = MigrationService.create(settings(tmp, proxy.port()), new ConnectionLimiter(2 * n),
            Clock.systemUTC())) {
      assertTrue(service.migrateUser("carol", List.of()).get().complete()); // the master user logged in as carol
      proxy.count("AUTHENTICATE PLAIN");
      proxy.refuseTogether("AUTHENTICATE PLAIN", n, plainRefusal);
      List<Future<Boolean>> noAccount = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String user = "ghost" + i;
        noAccount.add(lookups.submit(() -> {
          MigrationUnavailableException e = assertThrows(MigrationUnavailableException.class,
              () -> service.ensureSkeleton(user));
          return service.refusalMeansNoAccount(user, e);
        }));
      }
      for (Future<Boolean> verdict : noAccount) {
        assertTrue(verdict.get(), "the master user still logs in as carol");
      }
      // All n were sent before any was answered, so before any witness login began: they share one (they cost n).
      assertEquals(1, proxy.counted() - n, "witness logins for " + n + " concurrent refusals");

      proxy.refuse("AUTHENTICATE PLAIN", 1, plainRefusal);
      MigrationUnavailableException late = assertThrows(MigrationUnavailableException.class,
          () -> service.ensureSkeleton("ghostlate"));
      int before = proxy.counted();
      assertTrue(service.refusalMeansNoAccount("ghostlate", late), late.getMessage());
      assertEquals(before + 1, proxy.counted(), "a refusal after the check completed gets its own witness login");
    } finally {
      lookups.shutdownNow();
    }
  }

  static Settings settings(Path tmp, int port) throws Exception {
    return LegacySettings.of(tmp, port, MASTER, MASTER_PASSWORD, List.of("imapc_connection_retry_count = 0",
        "imapc_connection_retry_interval = 20 ms", "sweeper = no"));
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
