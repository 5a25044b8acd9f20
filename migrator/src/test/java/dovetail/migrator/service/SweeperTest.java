package dovetail.migrator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
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
  private static final class Work implements Sweeper.Work {
    @Override
    public Sweeper.Round round() {
      return new Sweeper.Round(List.of("alice", "bob"), 3);
    }

    @Override
    public boolean sweep(String user, Sweeper gate) {
      return user.equals("alice");
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
    } finally {
      sweeper.close();
      workers.shutdownNow();
    }
  }
}
