package dovetail.store.maildir;

import dovetail.conf.FsyncMode;
import dovetail.store.StoreError;
import dovetail.store.StoreException;
import dovetail.store.StoreFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Every way the store changes the disk: whole-file replacement by temp file plus rename, appends, renames
 * and new directories, honouring mail_fsync and giving new files their {@link FileOwner} and {@link FileModes}. It is also the
 * {@link StoreFiles} through which code outside the store creates Dovetail's own files in a Maildir, so that the
 * ownership rule is applied in this one place.
 */
final class FileWrites implements StoreFiles {
  private final FsyncMode mode;
  private final FileOwner owner;
  private final FileModes modes;

  FileWrites(FsyncMode mode, FileOwner owner, FileModes modes) {
    this.mode = mode;
    this.owner = owner;
    this.modes = modes;
  }

  /** Creates {@code dir} and any missing parents, each owned like the store. */
  @Override
  public void createDirectories(Path dir) {
    try {
      if (Files.isDirectory(dir)) {
        return;
      }
      Path parent = dir.getParent();
      if (parent != null) {
        createDirectories(parent);
      }
      try {
        Files.createDirectory(dir, modes.forDirectory());
        modes.settle(dir, true);
        owner.apply(dir);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // created meanwhile by someone else
      }
    } catch (IOException e) {
      throw new StoreException(StoreError.IO, "cannot create " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Creates an empty file if it is missing. */
  void createFile(Path file) {
    try {
      Files.createFile(file, modes.forFile());
      modes.settle(file, false);
      owner.apply(file);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      // fine
    } catch (IOException e) {
      throw new StoreException(StoreError.IO, "cannot create " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public FileChannel createNew(Path file, FileAttribute<?>... attributes) throws IOException {
    FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
        attributes.length == 0 ? new FileAttribute<?>[] {modes.forFile()} : attributes);
    try {
      if (attributes.length == 0) {
        modes.settle(file, false);
      }
      owner.apply(file);
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      Files.deleteIfExists(file);
      throw e;
    }
  }

  @Override
  public void replace(Path target, byte[] data) {
    replace(target, target.resolveSibling(target.getFileName() + ".tmp"), data);
  }

  @Override
  public void replaceUnsynced(Path target, byte[] data) {
    replace(target, target.resolveSibling(target.getFileName() + ".tmp"), data, false, false);
  }

  /** Gives a file we just created the store's owner. */
  void own(Path file) throws IOException {
    owner.apply(file);
  }

  /** Who new files and directories belong to. */
  FileOwner owner() {
    return owner;
  }

  /** The modes new files and directories get. */
  FileModes modes() {
    return modes;
  }

  /** False when new files keep the running user (not root): then {@link #own} does nothing. */
  boolean changesOwner() {
    return owner.changes();
  }

  boolean files() {
    return mode != FsyncMode.NEVER;
  }

  /** Writes {@code data} to {@code tmp}, syncs it, and renames it over {@code target}. */
  void replace(Path target, Path tmp, byte[] data) {
    replace(target, tmp, data, false, true);
  }

  /**
   * As {@link #replace(Path, Path, byte[])}, and the new file's mtime is above the old file's, in whole seconds,
   * even when both are written within one second: Dovecot rereads such a file only when its mtime differs from
   * the one it read (maildir-keywords.c, "mtime must grow every time"), and writes back what it holds otherwise.
   */
  void replaceWithGrowingMtime(Path target, Path tmp, byte[] data) {
    replace(target, tmp, data, true, true);
  }

  private void replace(Path target, Path tmp, byte[] data, boolean mtimeMustGrow, boolean sync) {
    try {
      long oldSeconds = mtimeMustGrow ? mtimeSeconds(target) : -1;
      try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING), modes.forFile())) {
        // Owned before its first byte: a write that fails (a full disk) must not leave a file of root's behind.
        modes.settle(tmp, false);
        owner.apply(tmp);
        writeFully(ch, data);
        if (sync && files()) {
          ch.force(false);
        }
      }
      if (oldSeconds >= 0 && mtimeSeconds(tmp) <= oldSeconds) {
        Files.setLastModifiedTime(tmp, FileTime.from(oldSeconds + 1, TimeUnit.SECONDS));
      }
      if (sync) {
        move(tmp, target);
      } else {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException | RuntimeException ignored) {
        // the write's own error is the one to report
      }
      throw new StoreException(StoreError.IO, "cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  /** A file's mtime in whole seconds, or -1 when it does not exist. */
  private static long mtimeSeconds(Path file) throws IOException {
    try {
      return Files.getLastModifiedTime(file).to(TimeUnit.SECONDS);
    } catch (java.nio.file.NoSuchFileException e) {
      return -1;
    }
  }

  /** Appends whole lines in one write; the file is never rewritten in place. */
  void append(Path target, byte[] lines) {
    try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      writeFully(ch, lines);
      if (files()) {
        ch.force(false);
      }
    } catch (IOException e) {
      throw new StoreException(StoreError.IO, "cannot append to " + target + ": " + e.getMessage(), e);
    }
  }

  /** Atomic rename; with mail_fsync=always the directory is synced too. */
  void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("atomic rename not supported from " + from + " to " + to, e);
    }
    afterMove(to.getParent());
  }

  /** What follows a rename into {@code dir}: with mail_fsync=always, syncing that directory. */
  void afterMove(Path dir) {
    if (mode == FsyncMode.ALWAYS) {
      directory(dir);
    }
  }

  void directory(Path dir) {
    if (mode == FsyncMode.NEVER) {
      return;
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      throw new StoreException(StoreError.IO, "cannot sync directory " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void writeFully(FileChannel ch, byte[] data) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(data);
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }
}
