package dovetail.proxy.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecentLoginsTest {
  @Test
  void onlyTheSamePasswordOfTheSameUserMatches() {
    RecentLogins recent = new RecentLogins(Duration.ofMinutes(5), 10);
    assertFalse(recent.matches("alice", "pw"));
    recent.remember("alice", "pw");
    assertTrue(recent.matches("alice", "pw"));
    assertFalse(recent.matches("alice", "PW"));
    assertFalse(recent.matches("bob", "pw"));
    recent.remember("alice", "new");
    assertFalse(recent.matches("alice", "pw"), "the newest accepted password replaces the older one");
    assertTrue(recent.matches("alice", "new"));
  }

  @Test
  void nothingIsKeptBeyondTheTimeToLive() {
    RecentLogins recent = new RecentLogins(Duration.ZERO, 10);
    recent.remember("alice", "pw");
    assertFalse(recent.matches("alice", "pw"));
  }
}
