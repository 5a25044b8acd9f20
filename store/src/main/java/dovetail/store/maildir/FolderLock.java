package dovetail.store.maildir;

import dovetail.store.PerPath;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The two locks of one folder: an in-process mutex (shared by every instance that opens the folder in this
 * JVM) guarding the in-memory view, and the dovecot-uidlist.lock dotlock that writers across processes take.
 * Writers hold both; the dotlock is taken once per outermost write (the mutex makes nesting safe).
 * The root's subscriptions file is guarded the same way ({@link #of(Path, Path, Duration)}): a dotlock holds
 * our pid, so it cannot keep two threads of this JVM apart.
 */
final class FolderLock {
  static final String FILE = "dovecot-uidlist.lock";
  /** MAILDIR_UIDLIST_LOCK_STALE_TIMEOUT in maildir-uidlist.c. */
  static final Duration STALE_AFTER = Duration.ofSeconds(120);

  private static final PerPath<FolderLock> LOCKS = new PerPath<>();

  private final ReentrantLock mutex = new ReentrantLock();
  private final Path lockFile;
  private final Path guarded;
  private final Duration staleAfter;
  private final FileOwner owner;
  private Dotlock dotlock;
  private int writeDepth;

  private FolderLock(Path lockFile, Path guarded, Duration staleAfter, FileOwner owner) {
    this.lockFile = lockFile;
    this.guarded = guarded;
    this.staleAfter = staleAfter;
    this.owner = owner;
  }

  /** @param owner who the dotlock file belongs to (the store's owner: a lock a kill leaves is Dovecot's to remove) */
  static FolderLock of(Path dir, FileOwner owner) {
    return of(dir.resolve(FILE), dir.resolve("dovecot-uidlist"), STALE_AFTER, owner);
  }

  /** The locks of {@code guarded}, one pair per lock file in this JVM. */
  static FolderLock of(Path lockFile, Path guarded, Duration staleAfter, FileOwner owner) {
    return LOCKS.of(lockFile, () -> new FolderLock(lockFile, guarded, staleAfter, owner));
  }

  <T> T read(Supplier<T> action) {
    mutex.lock();
    try {
      return action.get();
    } finally {
      mutex.unlock();
    }
  }

  <T> T write(Duration timeout, Supplier<T> action) {
    mutex.lock();
    try {
      if (writeDepth == 0) {
        dotlock = Dotlock.acquire(lockFile, guarded, staleAfter, timeout, owner);
      }
      writeDepth++;
      try {
        return action.get();
      } finally {
        release();
      }
    } finally {
      mutex.unlock();
    }
  }

  /** Runs {@code action} with both locks if the dotlock is free now; returns false when it is not. */
  boolean tryWrite(Runnable action) {
    if (!mutex.tryLock()) {
      return false;
    }
    try {
      if (writeDepth == 0) {
        dotlock = Dotlock.tryAcquire(lockFile, guarded, staleAfter, owner);
        if (dotlock == null) {
          return false;
        }
      }
      writeDepth++;
      try {
        action.run();
        return true;
      } finally {
        release();
      }
    } finally {
      mutex.unlock();
    }
  }

  boolean heldByCurrentThread() {
    return mutex.isHeldByCurrentThread() && writeDepth > 0;
  }

  /** Called in long loops while holding the lock. */
  void keepFresh() {
    if (dotlock != null) {
      dotlock.touchIfDue();
    }
  }

  private void release() {
    writeDepth--;
    if (writeDepth == 0) {
      Dotlock d = dotlock;
      dotlock = null;
      d.close();
    }
  }
}
