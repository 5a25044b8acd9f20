package dovetail.migrator.copy;

import java.time.Duration;
import java.util.Optional;

/**
 * Counters of a running migration.
 *
 * @param folder the folder being copied
 * @param folderIndex 1-based position of that folder in this run
 * @param folderCount folders this run migrates
 * @param messagesDone messages of this folder copied in this run (added to the store; committed in batches)
 * @param messagesTotal messages of this folder this run set out to copy
 * @param bytesDone bytes of this folder copied in this run
 * @param bytesTotal RFC822.SIZE sum of those messages, -1 when the server does not report sizes
 * @param runMessages messages copied by the whole run so far
 * @param runBytes bytes copied by the whole run so far
 * @param elapsed time since the run started
 * @param folderElapsed time since this folder started
 */
public record Progress(
    String folder,
    int folderIndex,
    int folderCount,
    long messagesDone,
    long messagesTotal,
    long bytesDone,
    long bytesTotal,
    long runMessages,
    long runBytes,
    Duration elapsed,
    Duration folderElapsed) {

  /** Bytes per second over the whole run. */
  public double bytesPerSecond() {
    return perSecond(runBytes, elapsed);
  }

  /** Messages per second over the whole run. */
  public double messagesPerSecond() {
    return perSecond(runMessages, elapsed);
  }

  /**
   * Time left for this folder at its own rate so far, by bytes when sizes are known, else by messages. Not before a
   * hundredth of it is stored or 5 seconds have passed (and never in the first second): a large message in flight
   * counts only once it is stored, so an early rate said 2 hours for a folder done a second later (walk-through 15, F8).
   */
  public Optional<Duration> folderEta() {
    double seconds = folderElapsed.toNanos() / 1e9;
    boolean bySize = bytesTotal > 0;
    double done = bySize ? bytesDone : messagesDone;
    double total = bySize ? bytesTotal : messagesTotal;
    if (seconds < 1 || done <= 0 || (done < total / 100 && seconds < 5)) {
      return Optional.empty();
    }
    double left = (total - done) / (done / seconds);
    return Optional.of(Duration.ofMillis((long) (Math.max(0, left) * 1000)));
  }

  private static double perSecond(long amount, Duration d) {
    double seconds = d.toNanos() / 1e9;
    return seconds <= 0 ? 0 : amount / seconds;
  }
}
