package dovetail.store.maildir;

import dovetail.store.FsyncMode;
import dovetail.store.StoreError;
import dovetail.store.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** File writes that honour mail_fsync: whole-file replacement by temp file plus rename, and appends. */
final class Fsync {
  private final FsyncMode mode;

  Fsync(FsyncMode mode) {
    this.mode = mode;
  }

  boolean files() {
    return mode != FsyncMode.NEVER;
  }

  /** Writes {@code data} to {@code tmp}, syncs it, and renames it over {@code target}. */
  void replace(Path target, Path tmp, byte[] data) {
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        writeFully(ch, data);
        if (files()) {
          ch.force(false);
        }
      }
      move(tmp, target);
    } catch (IOException e) {
      throw new StoreException(StoreError.IO, "cannot write " + target + ": " + e.getMessage(), e);
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
    if (mode == FsyncMode.ALWAYS) {
      directory(to.getParent());
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
