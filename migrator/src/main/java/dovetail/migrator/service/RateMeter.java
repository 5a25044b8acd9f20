package dovetail.migrator.service;

import java.time.Clock;

/** Messages per second over the last {@link #WINDOW_SECONDS} seconds, in one-second buckets. */
final class RateMeter {
  static final int WINDOW_SECONDS = 30;

  private final Clock clock;
  private final long[] counts = new long[WINDOW_SECONDS];
  private final long[] seconds = new long[WINDOW_SECONDS];
  private final long started;

  RateMeter(Clock clock) {
    this.clock = clock;
    this.started = clock.millis() / 1000;
  }

  synchronized void mark() {
    long now = clock.millis() / 1000;
    int i = (int) (now % WINDOW_SECONDS);
    if (seconds[i] != now) {
      seconds[i] = now;
      counts[i] = 0;
    }
    counts[i]++;
  }

  synchronized double perSecond() {
    long now = clock.millis() / 1000;
    long sum = 0;
    for (int i = 0; i < WINDOW_SECONDS; i++) {
      if (now - seconds[i] < WINDOW_SECONDS) {
        sum += counts[i];
      }
    }
    long span = Math.max(1, Math.min(WINDOW_SECONDS, now - started + 1));
    return (double) sum / span;
  }
}
