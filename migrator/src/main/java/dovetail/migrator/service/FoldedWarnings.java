package dovetail.migrator.service;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Warnings whose cause repeats across users and folders, folded: a legacy outage made one WARN per check, thousands a
 * minute at a real site, beside the one fact "the legacy server is down" (walk-through 18, F8). The first of a cause
 * is logged; the same cause within {@code window} only counted; the next line after it says how many it stands for.
 */
final class FoldedWarnings {
  /** More causes than this at once are not plausible; the oldest are forgotten (they are logged again, no harm). */
  private static final int MAX_CAUSES = 1000;

  private final Duration window;
  private final LongSupplier nanos;
  private final Map<String, Cause> causes = new HashMap<>();

  private static final class Cause {
    long loggedAt;
    long folded;
  }

  FoldedWarnings(Duration window, LongSupplier nanos) {
    this.window = window;
    this.nanos = nanos;
  }

  /**
   * @return empty when this occurrence is folded into the last line of its cause; else what to add to the line (""
   *     for the first, or how many were folded since)
   */
  synchronized Optional<String> admit(String cause) {
    long now = nanos.getAsLong();
    Cause c = causes.get(cause);
    if (c != null && now - c.loggedAt < window.toNanos()) {
      c.folded++;
      return Optional.empty();
    }
    if (c == null) {
      if (causes.size() >= MAX_CAUSES) {
        causes.clear();
      }
      c = new Cause();
      causes.put(cause, c);
    }
    String more = c.folded == 0 ? "" : " (and " + c.folded + " more with this cause since the last such line)";
    c.loggedAt = now;
    c.folded = 0;
    return Optional.of(more);
  }
}
