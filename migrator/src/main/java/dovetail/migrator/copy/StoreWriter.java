package dovetail.migrator.copy;

import java.util.ArrayDeque;

/**
 * One thread that runs store writes in order, so that the legacy connection is read and parsed while the
 * previous messages are written (the two halves of a folder's copy overlap instead of taking turns). The
 * queue is bounded in bytes; a task that fails discards those behind it, and its exception is thrown to
 * the owner at its next call ({@link #submit} or {@link #await}), once.
 */
final class StoreWriter implements AutoCloseable {
  private final String name;
  private final long maxQueuedBytes;
  private final ArrayDeque<Task> tasks = new ArrayDeque<>();
  private long queuedBytes;
  private boolean running;
  private boolean closed;
  private Throwable failure;
  private Thread thread;

  private record Task(long bytes, Runnable work) {}

  StoreWriter(String name, long maxQueuedBytes) {
    this.name = name;
    this.maxQueuedBytes = maxQueuedBytes;
  }

  /** Queues {@code work}; waits while the queue holds too many bytes. Throws a failure of earlier work. */
  synchronized void submit(long bytes, Runnable work) {
    rethrowFailure();
    if (closed) {
      throw new IllegalStateException("store writer is closed");
    }
    while (queuedBytes > 0 && queuedBytes + bytes > maxQueuedBytes && failure == null) {
      waitUninterruptibly();
    }
    rethrowFailure();
    tasks.add(new Task(bytes, work));
    queuedBytes += bytes;
    if (thread == null) {
      thread = new Thread(this::loop, "store-writer-" + name);
      thread.setDaemon(true);
      thread.start();
    }
    notifyAll();
  }

  /** Waits until everything queued is done (the caller may then use the store itself); throws its failure. */
  synchronized void await() {
    while ((running || !tasks.isEmpty()) && failure == null) {
      waitUninterruptibly();
    }
    rethrowFailure();
  }

  /** Discards what is still queued, waits for the write in progress, and ends the thread. */
  @Override
  public synchronized void close() {
    closed = true;
    tasks.clear();
    queuedBytes = 0;
    notifyAll();
    while (running) {
      waitUninterruptibly();
    }
  }

  private void loop() {
    while (true) {
      Task task;
      synchronized (this) {
        while (tasks.isEmpty() && !closed) {
          waitUninterruptibly();
        }
        if (tasks.isEmpty()) {
          return;
        }
        task = tasks.poll();
        running = true;
      }
      Throwable failed = null;
      try {
        task.work().run();
      } catch (RuntimeException | Error e) {
        failed = e;
      }
      synchronized (this) {
        running = false;
        queuedBytes -= task.bytes();
        if (failed != null) {
          failure = failed;
          tasks.clear(); // what came after the failed message is not written, as without this thread
          queuedBytes = 0;
        }
        notifyAll();
      }
    }
  }

  private void rethrowFailure() {
    Throwable f = failure;
    if (f == null) {
      return;
    }
    failure = null;
    if (f instanceof Error e) {
      throw e;
    }
    throw (RuntimeException) f;
  }

  private void waitUninterruptibly() {
    try {
      wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the store writer", e);
    }
  }
}
