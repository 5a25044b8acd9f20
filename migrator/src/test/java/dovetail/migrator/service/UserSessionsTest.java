package dovetail.migrator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.conf.ConfigLoader;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UserSessionsTest {
  private final AtomicLong nanos = new AtomicLong();
  private final LegacyLogins logins = new LegacyLogins(
      ConfigLoader.fromString("test.conf", "imapc_host = legacy.example.com\n", List.of()), nanos::get);
  private final UserSessions sessions = new UserSessions(logins);

  private void afterTheBoundForEndedSessions() {
    nanos.addAndGet(LegacyLogins.KEPT_AFTER_SESSIONS.plus(Duration.ofSeconds(1)).toNanos());
  }

  @Test
  void aUserCountsAsLoggedInUntilTheLastSessionEnds() {
    sessions.opened("alice", Optional.of("pw"));
    sessions.opened("alice", Optional.empty());
    sessions.closed("alice");
    assertTrue(sessions.has("alice"));
    assertEquals(Set.of("alice"), sessions.users());
    sessions.closed("alice");
    assertFalse(sessions.has("alice"));
    assertEquals(Set.of(), sessions.users());
  }

  @Test
  void thePasswordIsHeldWhileASessionLastsThenForABoundedWhile() {
    sessions.opened("alice", Optional.of("pw"));
    sessions.opened("alice", Optional.empty());
    sessions.closed("alice");
    afterTheBoundForEndedSessions();
    assertTrue(logins.holdsPassword("alice"), "one session still lasts");
    sessions.closed("alice");
    assertTrue(logins.holdsPassword("alice"), "kept a while after the last session");
    afterTheBoundForEndedSessions();
    assertFalse(logins.holdsPassword("alice"));
  }

  @Test
  void anEndWithoutASessionChangesNothing() {
    sessions.closed("bob");
    assertFalse(sessions.has("bob"));
    assertFalse(logins.holdsPassword("bob"));
  }
}
