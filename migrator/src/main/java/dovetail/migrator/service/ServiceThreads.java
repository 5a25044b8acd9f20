package dovetail.migrator.service;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's own threads, on which migrations run so that a caller that gives up does not stop them for the
 * others, and the service's shutdown: no task is lost without its result (a waiter never waits for ever) and a
 * waiter hears a failure as the {@link MigrationUnavailableException} it can answer a client with.
 */
final class ServiceThreads {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceThreads.class);

  private final ExecutorService executor;
  private volatile boolean closing;

  ServiceThreads() {
    AtomicInteger n = new AtomicInteger();
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "dovetail-migration-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  ExecutorService executor() {
    return executor;
  }

  /** True once the service began to close: running migrations stop at their next message. */
  boolean closing() {
    return closing;
  }

  void beginClose() {
    closing = true;
  }

  void checkOpen() throws MigrationUnavailableException {
    if (closing) {
      throw new MigrationUnavailableException("Dovetail is shutting down");
    }
  }

  /**
   * Runs {@code task}, which completes {@code result}; an exception that escapes it completes {@code result} too, so
   * that no caller (migrate --wait) waits for ever (review 12: a damaged state file of another user did).
   */
  void submit(Runnable task, CompletableFuture<?> result) {
    try {
      executor.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          LOG.warn("a migration task failed: {}", e.toString(), e);
          result.completeExceptionally(e);
          if (e instanceof Error) {
            throw e;
          }
        }
      });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new MigrationUnavailableException("Dovetail is shutting down"));
    }
  }

  /** Takes no more tasks, and waits up to {@code wait} for the running ones. */
  void shutdown(Duration wait) {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("migrations still running after {}; not waiting longer", wait);
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  static <T> T await(Future<T> f) throws MigrationUnavailableException {
    try {
      return get(f, null);
    } catch (TimeoutException e) {
      throw new IllegalStateException(e); // no bound, no time-out
    }
  }

  /** {@link #await} of a result that is never null, giving up after {@code maxWait}: empty then; the work goes on. */
  static <T> Optional<T> awaitWithin(Future<T> f, Duration maxWait) throws MigrationUnavailableException {
    try {
      return Optional.of(get(f, maxWait));
    } catch (TimeoutException e) {
      return Optional.empty();
    }
  }

  private static <T> T get(Future<T> f, Duration maxWait) throws MigrationUnavailableException, TimeoutException {
    try {
      return maxWait == null ? f.get() : f.get(maxWait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MigrationUnavailableException("interrupted while waiting for the migration");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof MigrationUnavailableException u) {
        throw u.rethrown();
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }
}
