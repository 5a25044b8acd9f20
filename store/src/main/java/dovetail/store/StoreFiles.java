package dovetail.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;

/**
 * How Dovetail's own files in a user's Maildir (the LMTP spool, the stored password hash, a folder's expunge record)
 * are created: like every file the store writes, they take the owner and group of the Maildir root when Dovetail
 * runs as root, so that Dovecot (which serves the store as the mail user) and a later run as that user can use and
 * replace them. Code outside the store creates nothing in a Maildir except through here.
 */
public interface StoreFiles {
  /** Creates {@code dir} and its missing parents, each owned like the store. */
  void createDirectories(Path dir);

  /**
   * Opens a new file for writing; fails if the name exists. The file is owned like the store before the first byte is
   * written, so a crash in the middle of the write leaves nothing that only root may change.
   */
  FileChannel createNew(Path file, FileAttribute<?>... attributes) throws IOException;

  /**
   * Replaces {@code target} with {@code data}: written to {@code <target>.tmp} (owned like the store), synced as
   * {@code mail_fsync} says, then renamed over {@code target}. Writers of one target must not overlap.
   */
  void replace(Path target, byte[] data);

  /**
   * As {@link #replace}, never synced, whatever {@code mail_fsync} says: for a file that changes with new mail and whose
   * loss or emptying in a power failure costs nothing but a recount (which messages are \Recent).
   */
  void replaceUnsynced(Path target, byte[] data);
}
