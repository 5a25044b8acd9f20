package dovetail.proxy.imap;

import java.time.Duration;
import org.apache.james.events.Event;
import org.apache.james.events.EventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The rounds of unsolicited responses that one selected folder's session in IDLE sends when the folder changes.
 * James's IdleProcessor answers each call of its listener with a whole round; here rounds run one at a time (two at
 * once could both send one EXPUNGE, or an EXISTS counted before the other's EXPUNGE), a round that starts after
 * several events covers them all, and rounds run only between the IDLE's answer and its DONE:
 *
 * <ul>
 *   <li>not before the IDLE command has been answered ({@link #commandAnswered}): a round answers through the command's
 *       response buffer, which James's end of the command flushes from another thread without a lock ("+ Idling" went
 *       out twice); an event before that is kept for the first round;
 *   <li>not after DONE: {@link #done} waits for a round under way, so that nothing of it follows IDLE's tagged OK into
 *       the next command (an EXPUNGE during a FETCH, sequence numbers moving under it).
 * </ul>
 *
 * Each round is for the IDLE that was answered: a DONE and a new IDLE in between do not hand the new IDLE's listener
 * to a round before that IDLE is answered in turn.
 */
final class IdleRounds {
  private static final Logger LOG = LoggerFactory.getLogger(IdleRounds.class);
  /** How long DONE waits for a round under way; a session whose round takes longer is ended (see {@link #done}). */
  private static final Duration ROUND_WAIT = Duration.ofSeconds(10);

  private final String folder;
  private final Duration roundWait;
  private EventListener.ReactiveEventListener listener;
  private boolean answered;
  private boolean running;
  private Event pending;

  /** @param folder the folder's id, for the log */
  IdleRounds(String folder) {
    this(folder, ROUND_WAIT);
  }

  IdleRounds(String folder, Duration roundWait) {
    this.folder = folder;
    this.roundWait = roundWait;
  }

  /** An IDLE command starts listening; its rounds wait until it has been answered. */
  synchronized void start(EventListener.ReactiveEventListener idle) {
    listener = idle;
    answered = false;
    pending = null;
  }

  /** The command under way has been answered: an IDLE's rounds may go out, starting with any event kept. */
  void commandAnswered() {
    Round next;
    synchronized (this) {
      if (listener == null || answered) {
        return;
      }
      answered = true;
      next = nextRound();
    }
    run(next);
  }

  /** The folder changed. */
  void changed(Event event) {
    Round next;
    synchronized (this) {
      if (listener == null || !listener.isHandling(event)) {
        return;
      }
      pending = event;
      next = nextRound();
    }
    run(next);
  }

  /** The folder is no longer selected: no round starts from now on. */
  synchronized void stop() {
    listener = null;
    pending = null;
  }

  /**
   * DONE: no round starts from now on, and one under way is waited for (briefly; DONE's line handler runs here, off
   * the event loop), so that it is over before DONE is answered.
   *
   * @throws SessionMustEnd when the round is still under way after the wait: it would go on writing into the next
   *     commands' answers, about whatever the session has selected by then, and dropping its lines would leave the
   *     client's sequence numbers behind the server's; a client that reconnects resynchronizes
   */
  synchronized void done() {
    stop();
    long deadline = System.nanoTime() + roundWait.toNanos();
    try {
      while (running) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          LOG.warn("a round of IDLE updates for {} is still under way after {} ms at DONE; the session is ended",
              folder, roundWait.toMillis());
          throw new SessionMustEnd("IDLE updates took too long, please reconnect");
        }
        wait(Math.max(1, left / 1_000_000));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private record Round(EventListener.ReactiveEventListener listener, Event event) {}

  /** Under the lock: the round to start now, marked running, or null. */
  private Round nextRound() {
    if (listener == null || !answered || running || pending == null) {
      return null;
    }
    running = true;
    Round next = new Round(listener, pending);
    pending = null;
    return next;
  }

  private void run(Round round) {
    if (round == null) {
      return;
    }
    Mono.defer(() -> Mono.from(round.listener().reactiveEvent(round.event())))
        .onErrorResume(e -> {
          LOG.warn("cannot tell a session in IDLE what changed in {}: {}", folder, e.toString());
          return Mono.empty();
        })
        .doFinally(signal -> run(finished()))
        .subscribe();
  }

  /** A round ended: the next one if events came meanwhile, else null (and {@link #done} may go on). */
  private synchronized Round finished() {
    running = false;
    Round next = nextRound();
    if (next == null) {
      notifyAll();
    }
    return next;
  }
}
