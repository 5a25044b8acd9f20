package dovetail.migrator.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.migrator.source.LegacyException;
import dovetail.migrator.source.LegacyImapSession;
import dovetail.migrator.source.LegacyImapSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class ConnectionLimiterTest {
  @Test
  void sessionsToOneHostWaitForAPermitAndGiveItBackOnClose() throws Exception {
    ConnectionLimiter limiter = new ConnectionLimiter(2);
    FakeLegacy legacy = new FakeLegacy('/');
    LegacyImapSource a = limiter.limit(legacy, "Legacy.example.com");
    LegacyImapSource b = limiter.limit(legacy, "legacy.example.com"); // same host, other user of the cap
    LegacyImapSession one = a.open("alice");
    LegacyImapSession two = b.open("bob");
    assertEquals(2, limiter.inUse("legacy.example.com"));
    CompletableFuture<LegacyImapSession> third = CompletableFuture.supplyAsync(() -> a.open("carol"));
    assertThrows(TimeoutException.class, () -> third.get(200, TimeUnit.MILLISECONDS));
    one.close();
    one.close(); // twice gives back one permit only
    LegacyImapSession three = third.get(5, TimeUnit.SECONDS);
    assertEquals(2, limiter.inUse("legacy.example.com"));
    two.close();
    three.close();
    assertEquals(0, limiter.inUse("legacy.example.com"));
  }

  @Test
  void otherHostsHaveTheirOwnCapAndAFailedLoginGivesThePermitBack() {
    ConnectionLimiter limiter = new ConnectionLimiter(1);
    FakeLegacy legacy = new FakeLegacy('/');
    LegacyImapSession held = limiter.limit(legacy, "one").open("alice");
    LegacyImapSession other = limiter.limit(legacy, "two").open("alice");
    assertTrue(limiter.inUse("two") == 1);
    other.close();
    legacy.openFailures = 1;
    assertThrows(LegacyException.class, () -> limiter.limit(legacy, "two").open("alice"));
    assertEquals(0, limiter.inUse("two"));
    held.close();
    assertFalse(limiter.inUse("one") > 0);
  }

  /** Walk-through 18, F3: at a stop, migrations waiting for a permit opened sessions as permits came free. */
  @Test
  void everyOneWaitingForAPermitHearsOfTheStopAndNoneOpens() throws Exception {
    ConnectionLimiter limiter = new ConnectionLimiter(1);
    FakeLegacy legacy = new FakeLegacy('/');
    LegacyImapSource source = limiter.limit(legacy, "legacy");
    LegacyImapSession held = source.open("alice"); // a migration in flight
    java.util.List<CompletableFuture<LegacyImapSession>> waiting = new java.util.ArrayList<>();
    for (String user : java.util.List.of("bob", "carol", "dave")) {
      waiting.add(CompletableFuture.supplyAsync(() -> source.open(user)));
    }
    assertThrows(TimeoutException.class, () -> waiting.get(0).get(200, TimeUnit.MILLISECONDS));
    limiter.stopOpening();
    for (CompletableFuture<LegacyImapSession> w : waiting) {
      java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
          () -> w.get(5, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof LegacyException l && l.kind() == LegacyException.Kind.STOPPING
          && l.getMessage().startsWith("Dovetail is shutting down"), e.getCause().toString());
    }
    held.close(); // the one in flight ends as before
    assertThrows(LegacyException.class, () -> source.open("erin"), "none opens after the stop");
  }
}
