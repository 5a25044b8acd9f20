package dovetail.migrator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.conf.ConfigLoader;
import dovetail.conf.Settings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LegacyLoginsTest {
  private static Settings settings(String... lines) {
    return ConfigLoader.fromString("test.conf", String.join("\n", lines) + "\n", List.of());
  }

  @Test
  void theMasterUserServesEveryUser() throws Exception {
    LegacyLogins logins = new LegacyLogins(settings("imapc_host = legacy.example.com", "imapc_master_user = admin",
        "imapc_password = master-secret"));
    logins.remember("alice", "alice-pw");
    LegacyLogins.Endpoints e = logins.forUser("alice");
    assertEquals("admin", e.imap().masterUser());
    assertEquals("master-secret", e.imap().password());
    assertTrue(e.pop3().isEmpty());
  }

  @Test
  void withoutAMasterUserThePasswordSeenAtLoginServesThatUserOnly() throws Exception {
    LegacyLogins logins = new LegacyLogins(settings("imapc_host = legacy.example.com", "imapc_port = 1143",
        "pop3c_host = legacy.example.com", "pop3_migration_mailbox = INBOX"));
    logins.remember("alice", "alice-pw");
    LegacyLogins.Endpoints e = logins.forUser("alice");
    assertFalse(e.imap().hasMasterUser());
    assertEquals("alice-pw", e.imap().password());
    assertEquals(1143, e.imap().port(), "the other settings are kept");
    assertEquals("alice-pw", e.pop3().orElseThrow().password());
    assertFalse(e.imap().toString().contains("alice-pw"));
    MigrationUnavailableException none = assertThrows(MigrationUnavailableException.class, () -> logins.forUser("bob"));
    assertTrue(none.getMessage().contains("log in"), none.getMessage());
  }

  @Test
  void noLegacyServerIsUnavailableWithTheSettingNamed() {
    LegacyLogins logins = new LegacyLogins(settings("imapc_master_user = admin", "imapc_password = x"));
    MigrationUnavailableException e = assertThrows(MigrationUnavailableException.class, () -> logins.forUser("alice"));
    assertTrue(e.getMessage().contains("imapc_host"), e.getMessage());
  }

  /** A master user serves every migration: the users' passwords are never used, so never held (walk-through 14, L3). */
  @Test
  void withAMasterUserNoPasswordIsHeld() {
    LegacyLogins logins = new LegacyLogins(settings("imapc_host = legacy.example.com", "imapc_master_user = admin",
        "imapc_password = master-secret"));
    logins.remember("alice", "alice-pw");
    assertFalse(logins.holdsPassword("alice"));
  }

  /**
   * Without a master user the password is held while the user has a session, however long, then for a bounded while
   * after the last session ended, and then forgotten (walk-through 14, L3).
   */
  @Test
  void withoutAMasterUserThePasswordIsForgottenABoundedWhileAfterTheSessionsEnded() throws Exception {
    AtomicLong nanos = new AtomicLong();
    LegacyLogins logins = new LegacyLogins(settings("imapc_host = legacy.example.com"), nanos::get);
    logins.remember("alice", "alice-pw");
    nanos.addAndGet(Duration.ofDays(1).toNanos());
    assertEquals("alice-pw", logins.forUser("alice").imap().password(), "held while the session lasts");
    logins.sessionsEnded("alice");
    nanos.addAndGet(LegacyLogins.KEPT_AFTER_SESSIONS.minusSeconds(1).toNanos());
    assertEquals("alice-pw", logins.forUser("alice").imap().password(), "still held just before the bound");
    nanos.addAndGet(Duration.ofSeconds(2).toNanos());
    assertFalse(logins.holdsPassword("alice"));
    MigrationUnavailableException none = assertThrows(MigrationUnavailableException.class,
        () -> logins.forUser("alice"));
    assertTrue(none.getMessage().contains("log in"), none.getMessage());
  }

  /** A later login with another password (changed on the legacy server) replaces the one held. */
  @Test
  void aLaterLoginReplacesThePasswordHeld() throws Exception {
    AtomicLong nanos = new AtomicLong();
    LegacyLogins logins = new LegacyLogins(settings("imapc_host = legacy.example.com"), nanos::get);
    logins.remember("alice", "old-pw");
    logins.sessionsEnded("alice");
    logins.remember("alice", "new-pw");
    nanos.addAndGet(LegacyLogins.KEPT_AFTER_SESSIONS.plusSeconds(1).toNanos());
    assertEquals("new-pw", logins.forUser("alice").imap().password(), "the new login's session still lasts");
  }

  /** A run over the user's folders keeps the password while it goes on, and the bound counts from its end. */
  @Test
  void aRunHoldsThePasswordUntilItEnds() throws Exception {
    AtomicLong nanos = new AtomicLong();
    LegacyLogins logins = new LegacyLogins(settings("imapc_host = legacy.example.com"), nanos::get);
    logins.remember("alice", "alice-pw");
    try (LegacyLogins.Hold run = logins.hold("alice")) {
      logins.sessionsEnded("alice");
      nanos.addAndGet(Duration.ofDays(1).toNanos());
      assertEquals("alice-pw", logins.forUser("alice").imap().password(), "held while the run goes on");
    }
    nanos.addAndGet(LegacyLogins.KEPT_AFTER_SESSIONS.minusSeconds(1).toNanos());
    assertTrue(logins.holdsPassword("alice"));
    nanos.addAndGet(Duration.ofSeconds(2).toNanos());
    assertFalse(logins.holdsPassword("alice"));
    logins.hold("bob").close(); // nothing held: nothing to keep
    assertFalse(logins.holdsPassword("bob"));
  }

  /**
   * While the sweeper still has folders of the user to migrate, the password outlives the session by up to a day, not
   * 5 minutes: a user who logged in once for a minute was not reached by a busy sweeper (review 16, F4). Once the
   * sweeper has completed the user, it is kept as after any session.
   */
  @Test
  void whileTheSweeperHasFoldersLeftThePasswordIsKeptForItUntilTheUserIsComplete() throws Exception {
    AtomicLong nanos = new AtomicLong();
    LegacyLogins logins = new LegacyLogins(settings("imapc_host = legacy.example.com"), nanos::get);
    java.util.Set<String> incomplete = new java.util.HashSet<>(java.util.Set.of("alice", "bob"));
    logins.keepForSweeper(incomplete::contains);
    logins.remember("alice", "alice-pw");
    logins.remember("bob", "bob-pw");
    logins.remember("carol", "carol-pw");
    logins.sessionsEnded("alice");
    logins.sessionsEnded("bob");
    logins.sessionsEnded("carol");
    nanos.addAndGet(Duration.ofHours(12).toNanos());
    assertEquals("alice-pw", logins.forUser("alice").imap().password(), "the sweeper still needs it");
    assertTrue(logins.holdsPassword("bob"));
    assertFalse(logins.holdsPassword("carol"), "complete: kept 5 minutes only");

    incomplete.remove("alice");
    logins.userComplete("alice");
    nanos.addAndGet(LegacyLogins.KEPT_AFTER_SESSIONS.minusSeconds(1).toNanos());
    assertTrue(logins.holdsPassword("alice"), "as after a session, from the completion");
    nanos.addAndGet(Duration.ofSeconds(2).toNanos());
    assertFalse(logins.holdsPassword("alice"));

    nanos.addAndGet(LegacyLogins.KEPT_FOR_SWEEPER.toNanos());
    assertFalse(logins.holdsPassword("bob"), "at most a day after the last session");
  }

  /** A refusal by the legacy server drops what was kept for later runs, not a session's own password. */
  @Test
  void aRefusedPasswordIsNoLongerKeptForLaterRuns() throws Exception {
    AtomicLong nanos = new AtomicLong();
    LegacyLogins logins = new LegacyLogins(settings("imapc_host = legacy.example.com"), nanos::get);
    logins.keepForSweeper(user -> true);
    logins.remember("alice", "alice-pw");
    logins.sessionsEnded("alice");
    logins.remember("bob", "bob-pw");
    long runStart = logins.now();
    logins.refused("alice", runStart);
    logins.refused("bob", runStart);
    assertFalse(logins.holdsPassword("alice"));
    assertEquals("bob-pw", logins.forUser("bob").imap().password(), "bob's session goes on");
  }

  /**
   * A password a login brought after the refused run started is not the refused one, and stays (review 18: a newer
   * password kept meanwhile was dropped with the old one).
   */
  @Test
  void aPasswordBroughtAfterTheRefusedRunStartedStays() throws Exception {
    AtomicLong nanos = new AtomicLong();
    LegacyLogins logins = new LegacyLogins(settings("imapc_host = legacy.example.com"), nanos::get);
    logins.keepForSweeper(user -> true);
    logins.remember("alice", "old-pw");
    logins.sessionsEnded("alice");
    long runStart = logins.now();
    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    logins.remember("alice", "new-pw"); // she logs in and out while the run with the old one goes on
    logins.sessionsEnded("alice");
    logins.refused("alice", runStart);
    assertEquals("new-pw", logins.forUser("alice").imap().password());
  }
}
