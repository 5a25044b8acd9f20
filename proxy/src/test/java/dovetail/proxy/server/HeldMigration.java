package dovetail.proxy.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.migrator.copy.MigrationListener;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A migration observer ({@link TestDovetail.Builder#migrationObserver}) that holds the first folder migration to start
 * until released: its run keeps its legacy connection meanwhile, as the run of a large folder does.
 */
public final class HeldMigration implements MigrationListener, AutoCloseable {
  private final AtomicBoolean first = new AtomicBoolean(true);
  private final CountDownLatch started = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  @Override
  public void folderStarted(String folder, long messages, long bytes) {
    if (!first.compareAndSet(true, false)) {
      return;
    }
    started.countDown();
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits until the held migration has started. */
  public void awaitStarted() throws InterruptedException {
    assertTrue(started.await(30, TimeUnit.SECONDS), "the migration to hold did not start");
  }

  public void release() {
    release.countDown();
  }

  @Override
  public void close() {
    release();
  }
}
