package dovetail.store.maildir;

import dovetail.store.MailStore;
import dovetail.store.ModifiedUtf7;
import dovetail.store.StoreError;
import dovetail.store.StoreException;
import java.nio.file.Path;

/**
 * Maildir++ folder naming (mailbox-list-maildir.c): INBOX is the root, folder {@code A/B} is the directory
 * {@code .A.B}, each level in modified UTF-7. '.' is the on-disk separator, so it cannot appear in a level.
 */
final class MaildirLayout {
  static final String TRASHED = ".DOVECOT-TRASHED";

  private final Path root;

  MaildirLayout(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  static boolean isInbox(String name) {
    return name.equalsIgnoreCase(MailStore.INBOX);
  }

  /** The canonical client-visible name: "INBOX" in upper case, other names as given. */
  static String canonical(String name) {
    return isInbox(name) ? MailStore.INBOX : name;
  }

  Path directoryOf(String name) {
    if (isInbox(name)) {
      return root;
    }
    return root.resolve(directoryName(name));
  }

  /** {@code .A.B} for {@code A/B}. */
  static String directoryName(String name) {
    validate(name);
    StringBuilder dir = new StringBuilder();
    for (String level : name.split(String.valueOf(MailStore.SEPARATOR), -1)) {
      dir.append('.').append(ModifiedUtf7.encode(level));
    }
    return dir.toString();
  }

  /** The folder name for a root directory entry, or null when Dovecot would not list it as a folder. */
  static String nameOf(String directoryName) {
    if (!directoryName.startsWith(".") || directoryName.startsWith("..") || directoryName.length() < 2
        || directoryName.equals(TRASHED)) {
      return null;
    }
    StringBuilder name = new StringBuilder();
    for (String level : directoryName.substring(1).split("\\.", -1)) {
      if (level.isEmpty()) {
        return null;
      }
      String decoded = ModifiedUtf7.decodeOrNull(level);
      if (name.length() > 0) {
        name.append(MailStore.SEPARATOR);
      }
      // A level that is not valid mUTF-7 (written by some other tool) is shown as it is on disk.
      name.append(decoded == null ? level : decoded);
    }
    // ".new", ".tmp", ".cur" are the folders new, tmp, cur: Maildir++ lists every dot-directory
    // (mailbox-list-maildir-iter.c); only LAYOUT=fs hides them (is_internal_name), where they would be subdirectories.
    return name.toString();
  }

  static void validate(String name) {
    if (name == null || name.isEmpty()) {
      throw invalid(name, "empty name");
    }
    for (String level : name.split(String.valueOf(MailStore.SEPARATOR), -1)) {
      if (level.isEmpty()) {
        throw invalid(name, "empty hierarchy level");
      }
      if (level.indexOf('.') >= 0) {
        throw invalid(name, "'.' is the Maildir++ separator on disk and cannot be part of a name");
      }
      for (int i = 0; i < level.length(); i++) {
        char c = level.charAt(i);
        if (c < 0x20 || c == 0x7f) {
          throw invalid(name, "control character in name");
        }
      }
    }
  }

  private static StoreException invalid(String name, String why) {
    return new StoreException(StoreError.INVALID_NAME, "invalid folder name '" + name + "': " + why);
  }
}
