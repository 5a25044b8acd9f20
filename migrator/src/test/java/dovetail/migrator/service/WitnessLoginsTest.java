package dovetail.migrator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Which refusals share a witness login: those sent before it began, never one sent after (walk-through 11, W4). The
 * logins here are functions that record whom they log in as; the threads are released by latches, not by time.
 */
class WitnessLoginsTest {
  private static final Optional<String> MASTER = Optional.of("master");

  @Test
  void aRefusalSentBeforeARunningLoginBeganSharesIt() throws Exception {
    WitnessLogins<String> logins = new WitnessLogins<>();
    List<String> loggedIn = new CopyOnWriteArrayList<>();
    CountDownLatch began = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    long earlyRefusal = System.nanoTime();
    CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> logins.check(MASTER, "ghost1",
        earlyRefusal, "carol", w -> {
          loggedIn.add(w);
          began.countDown();
          await(release);
          return "works";
        }));
    await(began);
    CompletableFuture<String> joined = CompletableFuture.supplyAsync(() -> logins.check(MASTER, "ghost2", earlyRefusal,
        "carol", w -> "not asked"));
    release.countDown();
    assertEquals("works", first.get(10, TimeUnit.SECONDS));
    assertEquals("works", joined.get(10, TimeUnit.SECONDS));
    assertEquals(List.of("carol"), loggedIn);
    // Done, and still begun after that refusal: a refusal of the same moment shares it too, without a login.
    assertEquals("works", logins.check(MASTER, "ghost3", earlyRefusal, "carol", w -> "not asked"));
  }

  @Test
  void aRefusalSentAfterALoginBeganGetsItsOwnAfterThatOneEnded() throws Exception {
    WitnessLogins<String> logins = new WitnessLogins<>();
    List<String> loggedIn = new CopyOnWriteArrayList<>();
    CountDownLatch began = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> logins.check(MASTER, "ghost1",
        System.nanoTime(), "carol", w -> {
          loggedIn.add("first");
          began.countDown();
          await(release);
          return "old password worked";
        }));
    await(began);
    long lateRefusal = System.nanoTime();
    CompletableFuture<String> late = CompletableFuture.supplyAsync(() -> logins.check(MASTER, "dave", lateRefusal,
        "carol", w -> {
          loggedIn.add("late");
          return "refused now";
        }));
    release.countDown();
    assertEquals("old password worked", first.get(10, TimeUnit.SECONDS));
    assertEquals("refused now", late.get(10, TimeUnit.SECONDS));
    assertEquals(List.of("first", "late"), loggedIn); // the late one never shared the first
    // Another master user (admin@%d per domain) never shares a login.
    assertEquals("other", logins.check(Optional.of("admin@other.example"), "x", lateRefusal, "y", w -> "other"));
  }

  @Test
  void theWitnessIsNoWitnessForItself() {
    WitnessLogins<String> logins = new WitnessLogins<>();
    long refusal = System.nanoTime();
    assertEquals("as carol", logins.check(MASTER, "ghost", refusal, "carol", w -> "as " + w));
    assertEquals("as erin", logins.check(MASTER, "carol", refusal, "erin", w -> "as " + w));
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
