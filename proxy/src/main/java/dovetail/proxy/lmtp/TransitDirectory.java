package dovetail.proxy.lmtp;

import dovetail.proxy.server.NewDirectories;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An LMTP listener's directory for DATA in transit, {@code dovetail-lmtp-*} under java.io.tmpdir (0700), removed at
 * close. A server killed (kill -9, a crash, the OOM killer) cannot remove its own, and one was left per crash, with
 * any message it was receiving; the next start removes those whose owner is gone. Each owner holds a kernel lock on
 * its {@code owner.lock}, which the kernel drops with the process (a pid could be reused, or be another namespace's).
 * A message found there was never acknowledged (the 250 comes after the delivery), so its sender still has it.
 */
final class TransitDirectory implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TransitDirectory.class);
  static final String PREFIX = "dovetail-lmtp-";
  static final String OWNER = "owner.lock";
  /** Its name while it is being made: other servers do not look at it, except to remove one left long ago. */
  static final String MAKING = ".making-dovetail-lmtp-";
  /** A directory is made in microseconds; one this old was left by a server killed while making it (empty). */
  static final Duration MAKING_LEFT_AFTER = Duration.ofMinutes(10);
  /** This JVM's own: never tried, as closing a second channel on a locked file would drop the process's lock. */
  private static final Set<Path> OWN = ConcurrentHashMap.newKeySet();

  private final Path dir;
  private final FileChannel owner;

  private TransitDirectory(Path dir, FileChannel owner) {
    this.dir = dir;
    this.owner = owner;
  }

  /** Makes this listener's directory under {@code tempDir}, then removes those of servers that ended without it. */
  static TransitDirectory create(Path tempDir) throws IOException {
    Path making;
    try {
      // Made under another name, and given the one other servers look at only once its lock is held: one that found
      // it between the lock file's creation and its lock took it for a dead server's and removed it (review 23, F1).
      making = Files.createTempDirectory(tempDir, MAKING);
    } catch (FileSystemException e) {
      // The JDK's message is the path alone: say whose directory it is, why it failed, and how to move it.
      throw new IOException("lmtp_listen: cannot create its temporary directory under java.io.tmpdir " + tempDir + ": "
          + NewDirectories.why(e) + " (java -Djava.io.tmpdir=DIR ... puts it elsewhere)", e);
    }
    Path dir = tempDir.resolve(PREFIX + making.getFileName().toString().substring(MAKING.length()));
    OWN.add(dir);
    FileChannel owner = null;
    try {
      owner = FileChannel.open(making.resolve(OWNER), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      owner.lock();
      Files.move(making, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      if (owner != null) {
        owner.close();
      }
      OWN.remove(dir);
      try {
        removeFilesAndDirectory(making);
      } catch (IOException left) {
        e.addSuppressed(left);
      }
      throw e;
    }
    removeAbandoned(tempDir);
    return new TransitDirectory(dir, owner);
  }

  Path path() {
    return dir;
  }

  /** Removes the directory, with any message still in it: none was acknowledged. */
  @Override
  public void close() {
    try {
      removeFilesAndDirectory(dir);
    } catch (IOException e) {
      LOG.warn("LMTP temporary directory {} not removed: {}", dir, e.toString());
    } finally {
      OWN.remove(dir);
      try {
        owner.close(); // drops the lock
      } catch (IOException e) {
        // the process's end drops it in any case
      }
    }
  }

  /** Directories of this kind whose owner.lock nobody holds; those without one (older builds) are left alone. */
  private static void removeAbandoned(Path tempDir) {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tempDir, PREFIX + "*")) {
      for (Path d : dirs) {
        if (!OWN.contains(d) && Files.isDirectory(d)) {
          removeIfAbandoned(d);
        }
      }
    } catch (IOException e) {
      LOG.debug("cannot list {} for abandoned LMTP directories: {}", tempDir, e.toString());
    }
    Instant leftBefore = Instant.now().minus(MAKING_LEFT_AFTER);
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tempDir, MAKING + "*")) {
      for (Path d : dirs) {
        try {
          if (Files.getLastModifiedTime(d).toInstant().isBefore(leftBefore)) {
            removeFilesAndDirectory(d); // at most an owner.lock: no message is received before the rename
          }
        } catch (IOException e) { // one renamed by its maker meanwhile, say: the others are still looked at
          LOG.debug("cannot remove {}: {}", d, e.toString());
        }
      }
    } catch (IOException e) {
      LOG.debug("cannot list {} for LMTP directories left half made: {}", tempDir, e.toString());
    }
  }

  private static void removeIfAbandoned(Path d) {
    try (FileChannel lockFile = FileChannel.open(d.resolve(OWNER), StandardOpenOption.WRITE)) {
      FileLock lock = lockFile.tryLock();
      if (lock == null) {
        return; // a running server's
      }
      int messages = removeFilesAndDirectory(d) - 1; // the owner.lock
      LOG.info("removed {}, the LMTP temporary directory of a server that ended without removing it{}", d,
          messages > 0 ? " (" + messages + " message(s) it was receiving, never acknowledged)" : "");
    } catch (NoSuchFileException e) {
      // an older build's, or one being made right now: not ours to judge
    } catch (OverlappingFileLockException e) {
      // another listener of this JVM is looking at it now
    } catch (IOException e) {
      LOG.debug("cannot look at {}: {}", d, e.toString());
    }
  }

  /** @return how many files were removed */
  private static int removeFilesAndDirectory(Path d) throws IOException {
    int removed = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(d)) {
      for (Path f : files) {
        if (Files.deleteIfExists(f)) {
          removed++;
        }
      }
    }
    Files.deleteIfExists(d);
    return removed;
  }
}
