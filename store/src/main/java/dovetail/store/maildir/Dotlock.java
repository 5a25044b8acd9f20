package dovetail.store.maildir;

import dovetail.store.StoreError;
import dovetail.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A Dovecot-style dotlock (src/lib/file-dotlock.c): the lock file is created with O_EXCL and holds
 * {@code <pid>:<hostname>}. A lock of a process on this host is stale when that process is dead, and only then;
 * any other lock (another host's) is stale when neither it nor the file it protects changed for {@code staleAfter}.
 * Dovecot applies the same rules to our locks, so Dovetail and a running Dovecot can write the same folder.
 */
final class Dotlock implements AutoCloseable {
  private static final java.util.concurrent.atomic.AtomicLong TEMP_COUNTER = new java.util.concurrent.atomic.AtomicLong();
  private final Path lockFile;
  private final Object fileKey;
  private long lastTouch;

  private Dotlock(Path lockFile, Object fileKey) {
    this.lockFile = lockFile;
    this.fileKey = fileKey;
    this.lastTouch = System.nanoTime();
  }

  /**
   * Takes the lock, waiting up to {@code timeout}.
   *
   * @param guarded the file the lock protects (its changes keep a lock fresh), may be missing
   */
  static Dotlock acquire(Path lockFile, Path guarded, Duration staleAfter, Duration timeout) {
    return acquire(lockFile, guarded, staleAfter, timeout, FileOwner.UNCHANGED);
  }

  /** As {@link #acquire(Path, Path, Duration, Duration)}, the lock file owned by {@code owner}. */
  static Dotlock acquire(Path lockFile, Path guarded, Duration staleAfter, Duration timeout, FileOwner owner) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long sleepMillis = 10;
    while (true) {
      Dotlock lock = tryCreate(lockFile, owner);
      if (lock != null) {
        return lock;
      }
      Seen stale = staleLock(lockFile, guarded, staleAfter);
      if (stale != null) {
        overrideIfUnchanged(lockFile, stale);
        continue;
      }
      if (System.nanoTime() > deadline) {
        throw new StoreException(StoreError.LOCK_TIMEOUT, "timed out after " + timeout.toSeconds() + " s waiting for "
            + lockFile + " (held by " + owner(lockFile) + ")");
      }
      sleep(sleepMillis + ThreadLocalRandom.current().nextLong(sleepMillis));
      sleepMillis = Math.min(sleepMillis * 2, 500);
    }
  }

  /** Takes the lock if it is free (or stale) right now; null when someone else holds it. */
  static Dotlock tryAcquire(Path lockFile, Path guarded, Duration staleAfter) {
    return tryAcquire(lockFile, guarded, staleAfter, FileOwner.UNCHANGED);
  }

  /** As {@link #tryAcquire(Path, Path, Duration)}, the lock file owned by {@code owner}. */
  static Dotlock tryAcquire(Path lockFile, Path guarded, Duration staleAfter, FileOwner owner) {
    Dotlock lock = tryCreate(lockFile, owner);
    Seen stale = lock == null ? staleLock(lockFile, guarded, staleAfter) : null;
    if (stale != null) {
      overrideIfUnchanged(lockFile, stale);
      lock = tryCreate(lockFile, owner);
    }
    return lock;
  }

  /**
   * Writes {@code <pid>:<host>} to a temporary file and hard-links it to the lock name (Dovecot's
   * dotlock_use_excl=no method): the lock never exists without its owner, even if we are killed mid-way.
   */
  private static Dotlock tryCreate(Path lockFile, FileOwner fileOwner) {
    byte[] owner = (ProcessHandle.current().pid() + ":" + HostName.get()).getBytes(StandardCharsets.US_ASCII);
    Path temp = tempFile(lockFile);
    try {
      try {
        Files.write(temp, owner, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      } catch (IOException e) {
        if (e instanceof FileAlreadyExistsException || !Files.exists(temp)) {
          throw e; // not ours, or not made at all
        }
        // Created but not written (a full disk; its error text is in the system's language): the lock without its
        // owner, judged stale by its age only, as any lock whose owner cannot be read. Deleting mail, the way out of
        // a full disk, needs the lock; the lock is the link below, not what the file says.
      }
      fileOwner.apply(temp); // before it takes the lock's name: a lock that a kill leaves is the mail user's
      try {
        Files.createLink(lockFile, temp);
      } catch (FileAlreadyExistsException e) {
        return null;
      }
      Object key = Files.readAttributes(lockFile, BasicFileAttributes.class).fileKey();
      return new Dotlock(lockFile, key);
    } catch (IOException e) {
      throw new StoreException(StoreError.IO, "cannot create " + lockFile + ": " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        // a stray temp file is harmless: nothing lists it
      }
    }
  }

  /** A new name next to the lock, as Dovecot names its temporary lock files. */
  private static Path tempFile(Path lockFile) {
    return lockFile.resolveSibling(".temp." + HostName.forFilename() + "." + ProcessHandle.current().pid() + "."
        + TEMP_COUNTER.incrementAndGet());
  }

  /** A lock file as it was read: its inode, mtime and content. */
  record Seen(Object fileKey, FileTime mtime, String content) {
    static Seen read(Path lockFile) throws IOException {
      BasicFileAttributes attrs = Files.readAttributes(lockFile, BasicFileAttributes.class);
      return new Seen(attrs.fileKey(), attrs.lastModifiedTime(), Files.readString(lockFile, StandardCharsets.US_ASCII));
    }
  }

  /** The lock as read when it is stale, for {@link #overrideIfUnchanged}; null when it is not, or is gone. */
  static Seen staleLock(Path lockFile, Path guarded, Duration staleAfter) {
    try {
      Seen seen = Seen.read(lockFile);
      return isStale(seen, guarded, staleAfter) ? seen : null;
    } catch (IOException | NumberFormatException e) {
      return null; // released meanwhile (the next try takes it), or unreadable
    }
  }

  private static boolean isStale(Seen seen, Path guarded, Duration staleAfter) throws IOException {
    String content = seen.content().trim();
    int colon = content.indexOf(':');
    if (colon > 0 && content.substring(colon + 1).equals(HostName.get())) {
      long pid = Long.parseLong(content.substring(0, colon));
      // Our own pid can only be a lock this process leaked or a dead namesake: the in-process mutex
      // (FolderLock) guarantees no thread of ours holds it while we are here. Dovecot recreates it too ("it's us").
      if (pid == ProcessHandle.current().pid()) {
        return true;
      }
      // file-dotlock.c: a live process on this host keeps its lock however long it holds it unchanged.
      return ProcessHandle.of(pid).map(process -> !process.isAlive()).orElse(true);
    }
    long now = System.currentTimeMillis();
    long newest = seen.mtime().toMillis();
    if (guarded != null && Files.exists(guarded)) {
      newest = Math.max(newest, Files.getLastModifiedTime(guarded).toMillis());
    }
    return now - newest > staleAfter.toMillis();
  }

  /**
   * Removes the lock judged stale, only if it is still that file: another writer may have overridden it and taken
   * the lock since. Dovecot stats it again before the unlink (file-dotlock.c, check_lock), which still leaves an
   * instant between the two; moving it aside first and then comparing leaves none between two writers. With a
   * third taking the free name in the instant it is aside, the lock moved aside cannot be given back.
   */
  static void overrideIfUnchanged(Path lockFile, Seen stale) {
    Path aside = tempFile(lockFile);
    try {
      try {
        Files.move(lockFile, aside, StandardCopyOption.ATOMIC_MOVE);
      } catch (NoSuchFileException e) {
        return; // released or overridden meanwhile: the next try takes it
      }
      if (!stale.equals(Seen.read(aside))) {
        giveBack(aside, lockFile);
      }
      Files.delete(aside);
    } catch (IOException e) {
      throw new StoreException(StoreError.IO, "cannot remove stale lock " + lockFile + ": " + e.getMessage(), e);
    }
  }

  /** Puts a fresh lock moved aside by mistake back under its name: the same inode, so its holder still owns it. */
  private static void giveBack(Path aside, Path lockFile) throws IOException {
    try {
      Files.createLink(lockFile, aside);
    } catch (FileAlreadyExistsException e) {
      // taken by a third writer in the instant the name was free
    }
  }

  private static String owner(Path lockFile) {
    try {
      return Files.readString(lockFile, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Keeps a long-held lock fresh (Dovecot touches every 10 s; stale after 120 s). */
  void touchIfDue() {
    if (System.nanoTime() - lastTouch < Duration.ofSeconds(10).toNanos()) {
      return;
    }
    try {
      Files.setLastModifiedTime(lockFile, FileTime.fromMillis(System.currentTimeMillis()));
      lastTouch = System.nanoTime();
    } catch (IOException e) {
      throw new StoreException(StoreError.IO, "cannot refresh " + lockFile + ": " + e.getMessage(), e);
    }
  }

  /** Releases the lock, unless someone replaced it (then it was taken from us as stale). */
  @Override
  public void close() {
    try {
      Object current = Files.readAttributes(lockFile, BasicFileAttributes.class).fileKey();
      if (fileKey == null || fileKey.equals(current)) {
        Files.deleteIfExists(lockFile);
      }
    } catch (NoSuchFileException e) {
      // already gone
    } catch (IOException e) {
      throw new StoreException(StoreError.IO, "cannot release " + lockFile + ": " + e.getMessage(), e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException(StoreError.LOCK_TIMEOUT, "interrupted while waiting for a lock");
    }
  }
}
