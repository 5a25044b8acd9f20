package dovetail.migrator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * What {@code sweeper status} reports between rounds: users a round left incomplete (the legacy server was down)
 * wait for the next round, and are shown with when it starts; the rate of finished work is not shown as current.
 * Before, it said "active: none; 0 queued" with users still to do, and a rate of up to 30 s ago.
 */
class SweeperTest {
  /** Bob cannot be completed (his legacy server is unavailable); alice can. */
  private static class Work implements Sweeper.Work {
    @Override
    public Sweeper.Round round() {
      return new Sweeper.Round(List.of("alice", "bob"), Set.of("carol", "dave", "erin"));
    }

    @Override
    public Sweeper.Swept sweep(String user, Sweeper gate) {
      return user.equals("alice") ? Sweeper.Swept.COMPLETE : Sweeper.Swept.INCOMPLETE;
    }

    @Override
    public double rate() {
      return 250; // what the last 30 s saw
    }
  }

  @Test
  void usersLeftIncompleteWaitForTheNextRoundAndNoRateIsShownWhileNobodyIsSwept() throws Exception {
    ExecutorService workers = Executors.newFixedThreadPool(2);
    Sweeper sweeper = new Sweeper(true, 2, Duration.ofHours(1), new Work(), workers, user -> false);
    try {
      sweeper.start();
      sweeper.awaitRounds(1);
      SweeperStatus status = sweeper.status();
      assertEquals(List.of(), status.active());
      assertEquals(List.of(), status.queued());
      assertEquals(List.of("bob"), status.waiting());
      assertEquals(4, status.completed());
      assertTrue(status.nextRoundSeconds() > 3500 && status.nextRoundSeconds() <= 3600, "" + status.nextRoundSeconds());
      assertEquals(0, status.messagesPerSecond(), "nobody is being swept");
      assertTrue(sweeper.needs("bob"), "left incomplete: the next round tries him again");
      assertEquals(List.of(false, false), List.of(sweeper.needs("alice"), sweeper.needs("carol")), "complete");
    } finally {
      sweeper.close();
      workers.shutdownNow();
    }
  }
  /**
   * The work after a round (a legacy login per complete user for the late-mail checks) runs at most once per period,
   * however often logins and admin commands start a round (walk-through 14, L3: 12-15 passes an hour).
   */
  @Test
  void roundsThatLoginsStartDoNotRepeatTheWorkAfterARound() throws Exception {
    List<Integer> afterRounds = new CopyOnWriteArrayList<>();
    Sweeper.Work work = new Work() {
      @Override
      public void afterRound() {
        afterRounds.add(1);
      }
    };
    ExecutorService workers = Executors.newFixedThreadPool(1);
    Sweeper sweeper = new Sweeper(true, 1, Duration.ofHours(1), work, workers, user -> false);
    try {
      sweeper.start();
      sweeper.awaitRounds(1);
      for (int round = 2; round <= 4; round++) {
        sweeper.wake(); // what a first login or an admin command does between rounds
        sweeper.awaitRounds(round);
      }
      assertEquals(1, afterRounds.size(), "four rounds in far less than the period");
    } finally {
      sweeper.close();
      workers.shutdownNow();
    }
  }

  /**
   * A complete user who logs in during a round is not swept again: it cost a LIST of all its legacy folders each time,
   * and "users complete" counted it twice (walk-through 9, W6: 212 complete of 202 users).
   */
  @Test
  void aCompleteUserLoggingInDuringARoundIsNotSweptAgainNorCountedTwice() throws Exception {
    CountDownLatch aliceStarted = new CountDownLatch(1);
    CountDownLatch carolOffered = new CountDownLatch(1);
    List<String> swept = new CopyOnWriteArrayList<>();
    Sweeper.Work work = new Work() {
      @Override
      public Sweeper.Swept sweep(String user, Sweeper gate) {
        swept.add(user);
        if (user.equals("alice")) {
          aliceStarted.countDown();
          try {
            carolOffered.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return super.sweep(user, gate);
      }
    };
    ExecutorService workers = Executors.newFixedThreadPool(1);
    Sweeper sweeper = new Sweeper(true, 1, Duration.ofHours(1), work, workers, user -> false);
    try {
      sweeper.start();
      aliceStarted.await();
      sweeper.offer("carol"); // complete at the round's start; logs in now
      sweeper.offer("alice"); // being swept
      carolOffered.countDown();
      sweeper.awaitRounds(1);
      sweeper.offer("alice"); // complete since
      assertEquals(List.of("alice", "bob"), swept);
      assertEquals(4, sweeper.status().completed(), "carol, dave, erin and alice, once each");
    } finally {
      sweeper.close();
      workers.shutdownNow();
    }
  }

  /**
   * The late-mail checks after a round run on the sweeper's own thread, which close() interrupts, but a legacy read
   * that ignores the interrupt goes on and writes to the store. MigrationService.close() waits for that thread
   * (bounded): before, it returned at once and the check wrote into a store a test was deleting ("DirectoryNotEmpty").
   */
  @Test
  void closeLetsTheWorkAfterARoundEndBeforeTheServiceReturns() throws Exception {
    CountDownLatch checking = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean wrote = new java.util.concurrent.atomic.AtomicBoolean();
    Sweeper.Work work = new Work() {
      @Override
      public void afterRound() {
        checking.countDown();
        long until = System.nanoTime() + Duration.ofMillis(300).toNanos();
        while (System.nanoTime() < until) { // a blocking socket read: the interrupt does not end it
          try {
            Thread.sleep(10);
          } catch (InterruptedException e) {
            // ignored, as a read on a plain socket ignores it
          }
        }
        wrote.set(true);
      }
    };
    ExecutorService workers = Executors.newFixedThreadPool(2);
    Sweeper sweeper = new Sweeper(true, 2, Duration.ofHours(1), work, workers, user -> false);
    try {
      sweeper.start();
      checking.await();
      sweeper.close();
      assertTrue(sweeper.awaitStopped(Duration.ofSeconds(10)), "the sweeper's thread ended within the bound");
      assertTrue(wrote.get(), "the check's write happened before close returned, not after");
    } finally {
      sweeper.close();
      workers.shutdownNow();
    }
  }

  @Test
  void aSweeperThatNeverStartedHasNothingToWaitFor() throws Exception {
    Sweeper sweeper = new Sweeper(false, 1, Duration.ofHours(1), new Work(), Runnable::run, user -> false);
    sweeper.start();
    sweeper.close();
    assertTrue(sweeper.awaitStopped(Duration.ofMillis(1)));
  }

  /**
   * Walk-through 18, F2: after a pause the workers wait at the gate (what was in flight finished), and status still
   * showed their users active, at a rate of the last 30 s that decayed slowly. They are shown held, and no rate.
   */
  @Test
  void usersWhoseSweepWaitsForAResumeAreShownHeldNotActive() throws Exception {
    CountDownLatch aliceFirstFolder = new CountDownLatch(1);
    CountDownLatch pausedNow = new CountDownLatch(1);
    Sweeper.Work work = new Work() {
      @Override
      public Sweeper.Round round() {
        return new Sweeper.Round(List.of("alice"), Set.of());
      }

      @Override
      public Sweeper.Swept sweep(String user, Sweeper gate) {
        aliceFirstFolder.countDown();
        try {
          pausedNow.await();
        } catch (InterruptedException e) {
          return Sweeper.Swept.INCOMPLETE;
        }
        return gate.awaitTurn(user) ? Sweeper.Swept.COMPLETE : Sweeper.Swept.INCOMPLETE; // her next folder
      }
    };
    ExecutorService workers = Executors.newFixedThreadPool(1);
    Sweeper sweeper = new Sweeper(true, 1, Duration.ofHours(1), work, workers, user -> false);
    try {
      sweeper.start();
      aliceFirstFolder.await();
      assertEquals(List.of("alice"), sweeper.status().active());
      assertEquals(250, sweeper.status().messagesPerSecond());
      sweeper.pause();
      pausedNow.countDown();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (sweeper.status().held().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      SweeperStatus status = sweeper.status();
      assertEquals(List.of("alice"), status.held());
      assertEquals(List.of(), status.active());
      assertEquals(0, status.messagesPerSecond(), "nobody migrates while paused");
      sweeper.resume();
      sweeper.awaitRounds(1);
      assertEquals(List.of(), sweeper.status().held());
    } finally {
      sweeper.close();
      workers.shutdownNow();
    }
  }

  /**
   * Walk-through 18, F5: a round during a legacy restart of 18 s left every user "waiting for the next round", which
   * came after the whole period (10 minutes). After a round that found the legacy server unavailable the next one
   * comes after 30 s, then 60 s, ... up to the period; a round without an outage goes back to the period.
   */
  @Test
  void afterARoundThatFoundTheLegacyServerDownTheNextOneComesSoon() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean legacyDown = new java.util.concurrent.atomic.AtomicBoolean(true);
    Sweeper.Work work = new Work() {
      @Override
      public Sweeper.Swept sweep(String user, Sweeper gate) {
        return legacyDown.get() ? Sweeper.Swept.LEGACY_UNAVAILABLE : super.sweep(user, gate);
      }
    };
    ExecutorService workers = Executors.newFixedThreadPool(2);
    Sweeper sweeper = new Sweeper(true, 2, Duration.ofHours(1), work, workers, user -> false);
    try {
      sweeper.start();
      sweeper.awaitRounds(1);
      long first = sweeper.status().nextRoundSeconds();
      assertTrue(first > 0 && first <= 30, "next round in " + first + " s");
      assertEquals(List.of("alice", "bob"), sweeper.status().waiting());
      sweeper.wake(); // as a login would: a second round, the legacy server still down
      sweeper.awaitRounds(2);
      long second = sweeper.status().nextRoundSeconds();
      assertTrue(second > 30 && second <= 60, "then in " + second + " s");
      legacyDown.set(false);
      sweeper.wake();
      sweeper.awaitRounds(3);
      assertTrue(sweeper.status().nextRoundSeconds() > 3500, "back to the period: " + sweeper.status());
    } finally {
      sweeper.close();
      workers.shutdownNow();
    }
  }
}
