package dovetail.migrator.copy;

import dovetail.migrator.source.LegacyException;
import java.time.Duration;
import java.util.Objects;

/**
 * When to reconnect to the legacy server and how long to wait first. Failures count only while nothing
 * is copied in between: a server that cuts the connection every few megabytes still gets the whole
 * mailbox across, a server that is down is given up after {@code unavailableRetries} tries.
 *
 * @param unavailableRetries reconnects after UNAVAILABLE without progress ({@code imapc_connection_retry_count})
 * @param retryInterval the first wait after UNAVAILABLE ({@code imapc_connection_retry_interval}); doubles
 *     on each further failure, up to {@code maxInterval}
 * @param throttledRetries waits after THROTTLED without progress
 * @param throttleInit the first wait after THROTTLED when the server suggests none (imapc_features
 *     {@code throttle:INIT:MAX:...}); doubles up to {@code throttleMax}
 * @param throttleMax the longest wait after THROTTLED
 * @param maxInterval the longest wait after UNAVAILABLE
 */
public record RetryPolicy(
    int unavailableRetries,
    Duration retryInterval,
    int throttledRetries,
    Duration throttleInit,
    Duration throttleMax,
    Duration maxInterval) {

  public RetryPolicy {
    if (unavailableRetries < 0 || throttledRetries < 0) {
      throw new IllegalArgumentException("retry counts must be >= 0");
    }
    Objects.requireNonNull(retryInterval, "retryInterval");
    Objects.requireNonNull(throttleInit, "throttleInit");
    Objects.requireNonNull(throttleMax, "throttleMax");
    Objects.requireNonNull(maxInterval, "maxInterval");
  }

  /** Dovecot's defaults, except three reconnects instead of one. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(3, Duration.ofSeconds(1), 10, Duration.ofMillis(50), Duration.ofSeconds(16),
        Duration.ofSeconds(30));
  }

  /** Whether a failure of this kind is worth another connection. */
  public static boolean retryable(LegacyException e) {
    return e.kind() == LegacyException.Kind.UNAVAILABLE || e.kind() == LegacyException.Kind.THROTTLED;
  }

  /** How many consecutive failures of this kind (without progress) are tolerated. */
  int allowed(LegacyException e) {
    return e.kind() == LegacyException.Kind.THROTTLED ? throttledRetries : unavailableRetries;
  }

  /** The wait before attempt {@code failures} (1 = the first retry). */
  Duration delay(LegacyException e, int failures) {
    if (e.kind() == LegacyException.Kind.THROTTLED) {
      Duration suggested = e.retryAfter().orElse(null);
      return suggested != null ? min(suggested, throttleMax) : exponential(throttleInit, failures, throttleMax);
    }
    return exponential(retryInterval, failures, max(retryInterval, maxInterval));
  }

  private static Duration exponential(Duration first, int failures, Duration cap) {
    Duration d = first;
    for (int i = 1; i < failures && d.compareTo(cap) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return min(d, cap);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
