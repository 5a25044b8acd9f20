package dovetail.migrator.service;

import java.util.function.LongSupplier;

/**
 * {@code sweeper_rate}: at most so many messages per second over all sweeper work. Each message takes the
 * next free slot, 1/rate seconds after the previous one, and its thread waits for that slot; a slot left
 * unused is not saved up, so an idle sweeper does not start with a burst. 0 = unlimited.
 */
final class RateLimiter {
  /** Waits; tests pass one that records instead. */
  interface Sleeper {
    void sleepNanos(long nanos) throws InterruptedException;
  }

  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  private long nextSlot = Long.MIN_VALUE;

  RateLimiter(int perSecond, LongSupplier nanoTime, Sleeper sleeper) {
    if (perSecond < 0) {
      throw new IllegalArgumentException("sweeper_rate must be >= 0");
    }
    this.intervalNanos = perSecond == 0 ? 0 : 1_000_000_000L / perSecond;
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
  }

  static RateLimiter perSecond(int perSecond) {
    return new RateLimiter(perSecond, System::nanoTime, nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
  }

  boolean unlimited() {
    return intervalNanos == 0;
  }

  /** Waits for this message's slot. */
  void acquire() throws InterruptedException {
    if (unlimited()) {
      return;
    }
    long wait;
    synchronized (this) {
      long now = nanoTime.getAsLong();
      long slot = nextSlot == Long.MIN_VALUE || nextSlot - now < 0 ? now : nextSlot;
      nextSlot = slot + intervalNanos;
      wait = slot - now;
    }
    if (wait > 0) {
      sleeper.sleepNanos(wait);
    }
  }
}
