package dovetail.store.maildir;

import dovetail.store.StoreError;
import dovetail.store.StoreException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What a directory of the Maildir root is. Dovecot: a folder when its cur/ is a directory; here also when it still has
 * its dovecot-uidlist (cur/ is recreated on open). A directory the server's user may not look into (chmod 000, another
 * owner) is told apart: its cur/ cannot be seen, yet it is a folder, which Dovecot lists and refuses to open with the
 * permission error in its log (walk-through 11, W5: taken for no folder, it vanished from LIST without a word).
 */
enum FolderDirectory {
  FOLDER,
  NONE,
  UNREADABLE;

  static FolderDirectory of(Path dir) {
    try {
      if (Files.readAttributes(dir.resolve("cur"), BasicFileAttributes.class).isDirectory()) {
        return FOLDER;
      }
    } catch (AccessDeniedException e) {
      return UNREADABLE; // stat(dir/cur): EACCES, dir itself is not searchable
    } catch (IOException e) {
      // no cur/, or dir is no directory: a folder only if it kept its uidlist
    }
    return Files.exists(dir.resolve("dovecot-uidlist")) ? FOLDER : NONE;
  }

  /**
   * The error for {@code folder}, whose directory {@code dir} is {@link #UNREADABLE}: it names both, for status and
   * verify as for the log; EACCES's words, which Java's exception leaves out.
   */
  static StoreException unreadable(String folder, Path dir) {
    return new StoreException(StoreError.UNREADABLE, "folder " + folder + " cannot be read: " + why(dir));
  }

  static String why(Path dir) {
    return dir + ": Permission denied (the server's user may not look into this directory: check its owner and mode)";
  }
}
