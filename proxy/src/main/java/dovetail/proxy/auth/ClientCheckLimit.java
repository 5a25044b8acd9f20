package dovetail.proxy.auth;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How many password checks of one client address may run at once. A check holds a thread while it waits: on the
 * legacy server (which may slow a guessing address down by up to 15 s, its auth penalty) and through the failure
 * delay. Without a limit, one client sending hundreds of wrong LOGINs held every thread there is, and every other
 * user's login, and the commands of logged-in sessions, waited behind it for minutes (walk-through 6, W1).
 *
 * <p>Beyond the limit, an IMAP login from an address none of whose logins failed lately waits its turn, a bounded
 * number of them for a bounded time, on the threads kept for IMAP logins: a webmail host, a NAT or a proxy logs many
 * users in at once from one address, most right after a restart, when every check goes to the legacy server
 * (walk-through 9, W1: 84 of 100 such logins were turned away). Waiters of all addresses together hold at most half of
 * those threads. A login from an address that failed lately, beyond those bounds, or on a thread that may not wait
 * (POP3's, which also serve logged-in sessions), is answered at once as a temporary failure, unchecked: a client that
 * guesses in parallel gains no guesses, and everybody else keeps the threads.
 */
final class ClientCheckLimit {
  /** Checks of one address at a time; a NAT of many users checks some tens of logins a second within it. */
  static final int PER_CLIENT = 16;
  /** Logins of one address that may wait for a check, each holding an IMAP login thread (there are 256). */
  static final int WAITING_PER_CLIENT = 64;
  /** Logins of all addresses that may wait: half of the IMAP login threads, the other half serve everybody else. */
  static final int WAITING = 128;
  /** How long a login waits for its turn. */
  static final Duration MAX_WAIT = Duration.ofSeconds(10);
  /** How long after a refused login its address waits no more. */
  static final Duration FAILURES_REMEMBERED = Duration.ofSeconds(60);

  private final int perClient;
  private final Clock clock;
  private final Map<InetAddress, Integer> running = new HashMap<>();
  private final Map<InetAddress, Integer> waiting = new HashMap<>();
  private int waitingTotal;
  private final Map<InetAddress, Instant> lastFailure = new HashMap<>();

  ClientCheckLimit(int perClient, Clock clock) {
    this.perClient = perClient;
    this.clock = clock;
  }

  /**
   * A place for one check of {@code client}'s, at once or, when {@code mayWait}, after a wait (see the class comment);
   * empty when it is refused.
   */
  synchronized Optional<Slot> enter(InetAddress client, boolean mayWait) throws InterruptedException {
    if (!full(client)) {
      return Optional.of(take(client));
    }
    if (!mayWait || failedLately(client) || waiting.getOrDefault(client, 0) >= WAITING_PER_CLIENT
        || waitingTotal >= WAITING) {
      return Optional.empty();
    }
    long deadline = System.nanoTime() + MAX_WAIT.toNanos();
    waiting.merge(client, 1, Integer::sum);
    waitingTotal++;
    try {
      while (full(client) && !failedLately(client)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return Optional.empty();
        }
        wait(Math.max(1, left / 1_000_000));
      }
      return failedLately(client) ? Optional.empty() : Optional.of(take(client));
    } finally {
      waiting.computeIfPresent(client, (c, n) -> n > 1 ? n - 1 : null);
      waitingTotal--;
    }
  }

  /** A login of {@code client}'s was refused: its address waits no more for a while, and its waiters give up. */
  synchronized void failed(InetAddress client) {
    lastFailure.put(client, clock.instant());
    lastFailure.values().removeIf(at -> at.plus(FAILURES_REMEMBERED).isBefore(clock.instant()));
    notifyAll();
  }

  private boolean full(InetAddress client) {
    return running.getOrDefault(client, 0) >= perClient;
  }

  private boolean failedLately(InetAddress client) {
    Instant at = lastFailure.get(client);
    return at != null && clock.instant().isBefore(at.plus(FAILURES_REMEMBERED));
  }

  private Slot take(InetAddress client) {
    running.merge(client, 1, Integer::sum);
    return () -> leave(client);
  }

  private synchronized void leave(InetAddress client) {
    running.computeIfPresent(client, (c, n) -> n > 1 ? n - 1 : null);
    notifyAll();
  }

  /** Held while one check runs. */
  @FunctionalInterface
  interface Slot extends AutoCloseable {
    @Override
    void close();
  }
}
