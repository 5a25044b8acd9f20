package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.mailbox.AnyEvent;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.james.events.Event;
import org.apache.james.events.EventListener;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The rounds of an IDLE against DONE: waited for, or the session ended when one does not end (review 14, F9). */
class IdleRoundsTest {

  /** A round that waits for {@code release} on another thread, as a round over a slow store does. */
  private static final class SlowRound implements EventListener.ReactiveEventListener {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger rounds = new AtomicInteger();

    @Override
    public Publisher<Void> reactiveEvent(Event event) {
      return Mono.<Void>fromRunnable(() -> {
        rounds.incrementAndGet();
        started.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }).subscribeOn(Schedulers.boundedElastic());
    }
  }

  @Test
  void doneWaitsForTheRoundUnderWay() throws Exception {
    IdleRounds idle = new IdleRounds("INBOX", Duration.ofSeconds(30));
    SlowRound round = new SlowRound();
    idle.start(round);
    idle.commandAnswered();
    idle.changed(new AnyEvent());
    assertTrue(round.started.await(10, TimeUnit.SECONDS), "the round started");
    Thread releaser = new Thread(() -> {
      sleep(200);
      round.release.countDown();
    });
    releaser.start();
    assertDoesNotThrow(idle::done);
    assertEquals(0, round.release.getCount(), "DONE returned only once the round was over");
    releaser.join();
  }

  @Test
  void aRoundThatOutlastsTheWaitEndsTheSession() throws Exception {
    IdleRounds idle = new IdleRounds("INBOX", Duration.ofMillis(300));
    SlowRound round = new SlowRound();
    idle.start(round);
    idle.commandAnswered();
    idle.changed(new AnyEvent());
    assertTrue(round.started.await(10, TimeUnit.SECONDS), "the round started");
    try {
      SessionMustEnd end = assertThrows(SessionMustEnd.class, idle::done,
          "DONE must not be answered while the round may still write into the next command's answer");
      assertTrue(end.getMessage().contains("reconnect"), end.getMessage());
    } finally {
      round.release.countDown();
    }
  }

  @Test
  void noRoundStartsAfterDone() throws Exception {
    IdleRounds idle = new IdleRounds("INBOX", Duration.ofSeconds(30));
    SlowRound round = new SlowRound();
    round.release.countDown();
    idle.start(round);
    idle.commandAnswered();
    idle.done();
    idle.changed(new AnyEvent());
    assertEquals(0, round.rounds.get());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
