package dovetail.migrator.service;

import dovetail.migrator.copy.FolderResult;
import dovetail.migrator.copy.MigrationListener;
import dovetail.migrator.copy.Progress;
import dovetail.store.MailStore;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * A folder run's own listener, between the copy and everyone interested in it: the totals into the store (for
 * status), the sweeper's rate (measured, and limited when only the sweeper waits), the service's shutdown (the run
 * ends at the next message), then the service's observer and every caller that joined the run.
 */
final class RunListener implements MigrationListener {
  /** Ends a migration at the next message when the service closes; what was committed stays. */
  static final class Stopped extends RuntimeException {
    Stopped() {
      super("Dovetail is shutting down", null, false, false);
    }
  }

  private final FolderRun run;
  private final MailStore store;
  private final MigrationListener observer;
  private final MigrationListener fanOut;
  private final BooleanSupplier closing;
  private final RateMeter sweeperMeter;
  private final RateLimiter sweeperRate;
  /** Whether this run migrated (a folder already complete is not started, and its record stays as it was). */
  private volatile boolean started;

  RunListener(FolderRun run, MailStore store, MigrationListener observer, BooleanSupplier closing,
      RateMeter sweeperMeter, RateLimiter sweeperRate) {
    this.run = run;
    this.store = store;
    this.observer = observer;
    this.fanOut = run.fanOut();
    this.closing = closing;
    this.sweeperMeter = sweeperMeter;
    this.sweeperRate = sweeperRate;
  }

  @Override
  public void folderStarted(String folder, long messages, long bytes) {
    started = true;
    FolderRecords.recordTotals(store.open(folder), messages, bytes);
    observer.folderStarted(folder, messages, bytes);
    fanOut.folderStarted(folder, messages, bytes);
  }

  @Override
  public void progress(Progress progress) {
    if (closing.getAsBoolean()) {
      throw new Stopped();
    }
    if (run.sweeperInvolved()) {
      sweeperMeter.mark();
    }
    if (run.sweeperOnly()) {
      try {
        sweeperRate.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Stopped();
      }
    }
    observer.progress(progress);
    fanOut.progress(progress);
  }

  @Override
  public void folderFinished(FolderResult result) {
    if (started && result.outcome() == FolderResult.Outcome.COMPLETE) {
      FolderRecords.recordMigrated(store.open(result.folder()));
    }
    observer.folderFinished(result);
    fanOut.folderFinished(result);
  }

  @Override
  public void retrying(String reason, Duration delay, int attempt) {
    if (closing.getAsBoolean()) {
      throw new Stopped(); // no wait for another attempt while the process stops
    }
    observer.retrying(reason, delay, attempt);
    fanOut.retrying(reason, delay, attempt);
  }
}
