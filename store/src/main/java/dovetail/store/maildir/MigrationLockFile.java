package dovetail.store.maildir;

import dovetail.store.Mailbox;
import dovetail.store.PerPath;
import dovetail.store.StoreError;
import dovetail.store.StoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code dovetail-migration.lock} beside dovecot-uidlist: one migration of a folder at a time, across processes (a
 * {@code backup} beside {@code serve}; walk-through 17, F8: each took the other's copies for another program's mail
 * and renumbered the folder). An in-process lock per folder first, as a file lock is held per process; the kernel
 * drops the file lock of a killed process. Dovecot ignores the file, as it ignores dovetail-state.
 */
final class MigrationLockFile {
  static final String FILE = "dovetail-migration.lock";
  private static final long POLL_MILLIS = 200;
  private static final PerPath<ReentrantLock> LOCKS = new PerPath<>();

  private MigrationLockFile() {}

  /** Waits until nobody else migrates the folder; {@code waiting} runs once if that means waiting. */
  static Mailbox.Hold hold(Path folderDir, Runnable waiting, FileWrites fsync) {
    ReentrantLock inProcess = LOCKS.of(folderDir, ReentrantLock::new);
    if (inProcess.isHeldByCurrentThread()) {
      // A second channel's lock attempt would fail, and closing it would drop this process's file lock (review 21).
      throw new IllegalStateException("this thread holds " + folderDir.resolve(FILE) + " already");
    }
    boolean toldWaiting = false;
    if (!inProcess.tryLock()) {
      waiting.run();
      toldWaiting = true;
      inProcess.lock();
    }
    Path file = folderDir.resolve(FILE);
    FileChannel channel = null;
    try {
      fsync.createFile(file); // owned like the store when it is new
      channel = FileChannel.open(file, StandardOpenOption.WRITE);
      FileLock lock;
      while ((lock = channel.tryLock()) == null) {
        if (!toldWaiting) {
          waiting.run();
          toldWaiting = true;
        }
        Thread.sleep(POLL_MILLIS);
      }
      FileChannel held = channel;
      FileLock fileLock = lock;
      return () -> {
        try {
          fileLock.release();
          held.close();
        } catch (IOException e) {
          // closing the channel drops the lock in any case
        } finally {
          inProcess.unlock();
        }
      };
    } catch (IOException | InterruptedException | RuntimeException e) {
      closeQuietly(channel);
      inProcess.unlock();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        throw new StoreException(StoreError.IO, "interrupted while waiting for " + file, e);
      }
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw MaildirSync.io("cannot lock " + file, (IOException) e);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // nothing held yet
      }
    }
  }
}
