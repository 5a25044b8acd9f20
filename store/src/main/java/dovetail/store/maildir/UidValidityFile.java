package dovetail.store.maildir;

import dovetail.store.StoreError;
import dovetail.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;

/**
 * {@code dovecot-uidvalidity} (mailbox-uidvalidity.c): the last UIDVALIDITY given out, 8 lowercase hex digits
 * with no newline, plus an empty marker {@code dovecot-uidvalidity.<hex>} (mode 0444). Dovecot's next folder
 * gets the value + 1, so we always store the highest value we used.
 */
final class UidValidityFile {
  static final String FILE = "dovecot-uidvalidity";

  private UidValidityFile() {}

  /** A new UIDVALIDITY: the stored value + 1 (the current time when there is none). */
  static synchronized long allocate(Path root, FileWrites fsync) {
    long last = read(root);
    long next = last == 0 ? System.currentTimeMillis() / 1000 : last + 1;
    if (next > 0xffffffffL) {
      next = 1;
    }
    store(root, last, next, fsync);
    return next;
  }

  /** Records that {@code used} was given to a folder: keeps the file at the maximum. */
  static synchronized void noteUsed(Path root, long used, FileWrites fsync) {
    long last = read(root);
    if (used > last) {
      store(root, last, used, fsync);
    }
  }

  static long read(Path root) {
    try {
      String hex = Files.readString(root.resolve(FILE), StandardCharsets.US_ASCII).trim();
      return hex.isEmpty() ? 0 : Long.parseLong(hex, 16);
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException | NumberFormatException e) {
      return 0; // Dovecot also starts over from the time when the file is unreadable
    }
  }

  private static void store(Path root, long previous, long value, FileWrites fsync) {
    String hex = HexFormat.of().toHexDigits((int) value);
    fsync.replace(root.resolve(FILE), root.resolve(FILE + ".tmp"), hex.getBytes(StandardCharsets.US_ASCII));
    try {
      Path marker = root.resolve(FILE + "." + hex);
      Path old = root.resolve(FILE + "." + HexFormat.of().toHexDigits((int) previous));
      if (previous != 0 && Files.exists(old)) {
        Files.move(old, marker);
      } else if (!Files.exists(marker)) {
        fsync.createFile(marker);
      }
      Files.setPosixFilePermissions(marker, PosixFilePermissions.fromString("r--r--r--"));
    } catch (IOException e) {
      throw new StoreException(StoreError.IO, "cannot write " + root.resolve(FILE) + " marker: " + e.getMessage(), e);
    }
  }
}
