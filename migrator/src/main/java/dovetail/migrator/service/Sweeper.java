package dovetail.migrator.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background sweeper (DESIGN, "Sweeper"). In rounds: it asks which known users still have work, then
 * {@code sweeper_concurrency} workers take them one by one, users logged in right now first, and migrate
 * their remaining folders through the service, so a folder that a client or an admin is migrating already
 * is joined, not copied twice. After a round it waits for the rescan period, or less when an admin command
 * asks for a rescan. Pausing stops it taking new folders; running folders finish. It keeps no state of its
 * own: what is left is read from the store, so a restart resumes.
 */
final class Sweeper implements SweeperControl {
  private static final Logger LOG = LoggerFactory.getLogger(Sweeper.class);

  /** What the sweeper does, provided by the service. */
  interface Work {
    /** The known users, split into those with work left (in order) and those already complete. */
    Round round();

    /** Migrates the user's remaining folders, asking {@code gate} before each one. */
    Swept sweep(String user, Sweeper gate);

    /** Messages per second of the sweeper's migrations, recently. */
    double rate();

    /** Work at the end of a round, after the migrations, at most once per period (the late-mail checks of issue #8). */
    default void afterRound() {}
  }

  record Round(List<String> toSweep, Set<String> complete) {}

  /** What a sweep of one user came to. */
  enum Swept {
    /** Every folder is complete. */
    COMPLETE,
    /** Some folder is not (it waits for an operator, or a folder stopped at a message). */
    INCOMPLETE,
    /** The legacy server could not be reached or refused for now: a short outage should not cost a whole period. */
    LEGACY_UNAVAILABLE
  }

  /** The first wait before a round after one that found the legacy server unavailable; doubles, up to the period. */
  static final Duration OUTAGE_RETRY = Duration.ofSeconds(30);

  private final boolean enabled;
  private final int concurrency;
  private final Duration period;
  private final Work work;
  private final Executor executor;
  private final Predicate<String> loggedIn;
  /** System.nanoTime() when the last work after a round ended, or 0 (none yet); the coordinator's own. */
  private long lastAfterRound;
  private final List<String> queue = new ArrayList<>();
  private final Set<String> active = new LinkedHashSet<>();
  /** Active users whose worker waits at the pause (its folder in flight finished): shown apart from active ones. */
  private final Set<String> held = new LinkedHashSet<>();
  /** Users this round swept and left incomplete (the legacy server was down): the next round tries them again. */
  private final Set<String> waiting = new LinkedHashSet<>();
  /** When the next round starts (System.nanoTime()), while the sweeper waits between rounds; else 0. */
  private long nextRoundAt;
  private Thread coordinator;
  private boolean paused;
  private boolean closed;
  private boolean rescan;
  /** The users complete in this round: at its start, or swept complete since; a login does not queue them again. */
  private Set<String> complete = new HashSet<>();
  private int rounds;
  /** Rounds in a row that found the legacy server unavailable for some user: the next one comes sooner. */
  private int outageRounds;
  private boolean outageThisRound;

  Sweeper(boolean enabled, int concurrency, Duration period, Work work, Executor executor, Predicate<String> loggedIn) {
    this.enabled = enabled;
    this.concurrency = Math.max(1, concurrency);
    this.period = period;
    this.work = work;
    this.executor = executor;
    this.loggedIn = loggedIn;
  }

  /** Starts the first round now, when {@code sweeper = yes}. */
  synchronized void start() {
    if (enabled && coordinator == null && !closed) {
      coordinator = new Thread(this::loop, "dovetail-sweeper");
      coordinator.setDaemon(true);
      coordinator.start();
    }
  }

  @Override
  public synchronized void pause() {
    paused = true;
    LOG.info("sweeper paused");
  }

  @Override
  public synchronized void resume() {
    paused = false;
    notifyAll();
    LOG.info("sweeper resumed");
  }

  @Override
  public synchronized SweeperStatus status() {
    long nextRound = nextRoundAt == 0 ? -1
        : Math.max(0, (nextRoundAt - System.nanoTime() + 999_999_999) / 1_000_000_000); // whole seconds, up
    // The rate covers the last 30 s: with nobody active it would show work that has ended.
    // Held users migrate nothing (walk-through 18, F2: a pause showed them active, at a rate that decayed for 30 s).
    List<String> migrating = active.stream().filter(u -> !held.contains(u)).toList();
    return new SweeperStatus(enabled, paused, migrating, List.copyOf(held), List.copyOf(queue), List.copyOf(waiting),
        nextRound, complete.size(), migrating.isEmpty() ? 0 : work.rate());
  }

  /**
   * Whether the sweeper will still migrate folders of the user: it runs, and the user was not complete at this round's
   * start nor swept complete since (before the first round: everybody).
   */
  synchronized boolean needs(String user) {
    return enabled && !closed && !complete.contains(user);
  }

  /** A rescan as soon as the current round ends (admin commands). */
  synchronized void wake() {
    rescan = true;
    notifyAll();
  }

  /** A user who logged in: queued now if a round is running, else swept in a new round. */
  synchronized void offer(String user) {
    if (coordinator == null || active.contains(user) || queue.contains(user) || complete.contains(user)) {
      return;
    }
    if (active.isEmpty()) {
      wake();
    } else {
      queue.add(user);
    }
  }

  /**
   * Waits while paused; false when the sweeper is closing, and the worker must stop.
   */
  synchronized boolean awaitTurn() {
    return awaitTurn(null);
  }

  /** As {@link #awaitTurn()}, for a worker sweeping {@code user}, who is shown as held while it waits. */
  synchronized boolean awaitTurn(String user) {
    try {
      while (paused && !closed) {
        if (user != null) {
          held.add(user);
        }
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return !closed;
    } finally {
      if (user != null) {
        held.remove(user);
      }
    }
  }

  /** Waits until {@code n} rounds have ended (tests). */
  synchronized void awaitRounds(int n) throws InterruptedException {
    while (rounds < n && !closed) {
      wait();
    }
  }

  synchronized void close() {
    closed = true;
    queue.clear();
    notifyAll();
    if (coordinator != null) {
      coordinator.interrupt();
    }
  }

  /**
   * Waits up to {@code wait} for the coordinator to end after {@link #close}: its work after a round (the late-mail
   * checks) runs on it, not on the service's threads, and a blocked legacy read does not end at the interrupt. A
   * service that returned from close() while it ran could still write to the store.
   *
   * @return whether it ended (or never started)
   */
  boolean awaitStopped(Duration wait) throws InterruptedException {
    Thread t;
    synchronized (this) {
      t = coordinator;
    }
    if (t == null) {
      return true;
    }
    t.join(Math.max(1, wait.toMillis()));
    return !t.isAlive();
  }

  private void loop() {
    try {
      while (awaitTurn()) {
        Round round = work.round();
        synchronized (this) {
          complete = new HashSet<>(round.complete());
          queue.clear();
          queue.addAll(round.toSweep());
          waiting.clear();
          outageThisRound = false;
        }
        if (!round.toSweep().isEmpty()) {
          LOG.info("sweeper: {} users to migrate, {} complete", round.toSweep().size(), round.complete().size());
        }
        runWorkers();
        if (awaitTurn() && lateMailDue()) {
          work.afterRound();
          lastAfterRound = Math.max(1, System.nanoTime()); // from its end: checks that take long do not run back to back
        }
        synchronized (this) {
          rounds++;
          notifyAll();
          outageRounds = outageThisRound ? outageRounds + 1 : 0;
          long until = System.nanoTime() + untilNextRound().toNanos();
          nextRoundAt = until;
          while (!closed && !rescan && until - System.nanoTime() > 0) {
            wait(Math.max(1, (until - System.nanoTime()) / 1_000_000));
          }
          nextRoundAt = 0;
          rescan = false;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("sweeper stopped: {}", e.toString(), e);
    }
  }

  /**
   * Whether the work after a round (the late-mail checks: a legacy login per complete user) is due: at most once per
   * period. A login or an admin command starts a round at once, and on a cut-over day first logins came one after the
   * other, so the checks ran back to back: 12-15 passes an hour over every migrated user (walk-through 14, L3).
   */
  private boolean lateMailDue() {
    return lastAfterRound == 0 || System.nanoTime() - lastAfterRound >= period.toNanos();
  }

  private void runWorkers() throws InterruptedException {
    int workers;
    synchronized (this) {
      workers = Math.min(concurrency, queue.size());
    }
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(workers);
    for (int i = 0; i < workers; i++) {
      executor.execute(() -> {
        try {
          String user;
          while ((user = next()) != null) {
            sweepOne(user);
          }
        } finally {
          done.countDown();
        }
      });
    }
    done.await();
  }

  private void sweepOne(String user) {
    Swept swept = Swept.INCOMPLETE;
    try {
      swept = work.sweep(user, this);
    } catch (RuntimeException e) {
      LOG.warn("sweeper: {}: {}", user, e.toString(), e);
    } finally {
      synchronized (this) {
        active.remove(user);
        if (swept == Swept.COMPLETE) {
          complete.add(user);
        } else {
          waiting.add(user);
        }
        outageThisRound |= swept == Swept.LEGACY_UNAVAILABLE;
      }
    }
  }

  /**
   * The period, or after rounds that found the legacy server unavailable, {@link #OUTAGE_RETRY} doubling up to it:
   * a legacy restart of 18 s parked every user left for the whole period, 10 minutes (walk-through 18, F5).
   */
  private Duration untilNextRound() {
    if (outageRounds == 0) {
      return period;
    }
    Duration wait = OUTAGE_RETRY;
    for (int i = 1; i < outageRounds && wait.compareTo(period) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(period) < 0 ? wait : period;
  }

  /** The next user: the first one logged in right now, else the first in line. */
  private synchronized String next() {
    if (closed || queue.isEmpty()) {
      return null;
    }
    int pick = 0;
    for (int i = 0; i < queue.size(); i++) {
      if (loggedIn.test(queue.get(i))) {
        pick = i;
        break;
      }
    }
    String user = queue.remove(pick);
    active.add(user);
    return user;
  }
}
