package dovetail.migrator.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A folder's ETA, at its own rate, by bytes when sizes are known. */
class ProgressTest {
  private static Optional<Duration> eta(long messagesDone, long messagesTotal, long bytesDone, long bytesTotal,
      Duration folderElapsed) {
    return new Progress("INBOX", 1, 1, messagesDone, messagesTotal, bytesDone, bytesTotal, messagesDone, bytesDone,
        folderElapsed, folderElapsed).folderEta();
  }

  @Test
  void byBytesAtTheFoldersRate() {
    assertEquals(Optional.of(Duration.ofSeconds(10)), eta(50, 100, 5_000_000, 10_000_000, Duration.ofSeconds(10)));
    assertEquals(Optional.of(Duration.ofSeconds(30)), eta(25, 100, 0, -1, Duration.ofSeconds(10)), "no sizes: messages");
  }

  /**
   * Walk-through 15, F8: the first message stored was 1 KB while the 4.3 MB one was in flight, and the ETA said 2 hours
   * for a folder done a second later. Until a hundredth is stored, no ETA for the first 5 seconds.
   */
  @Test
  void noEtaFromTheFirstSmallShareOfAFolder() {
    assertEquals(Optional.empty(), eta(1, 11, 1_000, 4_300_000, Duration.ofMillis(1_500)));
    assertEquals(Optional.empty(), eta(1, 11, 1_000, 4_300_000, Duration.ofMillis(500)), "never in the first second");
    assertEquals(Optional.of(Duration.ofSeconds(21_495)), eta(1, 11, 1_000, 4_300_000, Duration.ofSeconds(5)),
        "after 5 s the rate is what it is");
  }
}
