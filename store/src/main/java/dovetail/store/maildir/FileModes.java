package dovetail.store.maildir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The modes of what the store creates, chosen as Dovecot chooses them (mailbox_list_get_permissions): those of
 * the Maildir root when it exists (files without the execute bits), else 0700 for directories and 0600 for files.
 * Set at creation, so the process umask cannot make a user's mail readable by other local accounts (with umask
 * 022 everything came out 0755/0644), and stock Dovecot, which copies the folder's mode, keeps it so.
 */
final class FileModes {
  private static final Set<PosixFilePermission> EXECUTE = EnumSet.of(PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
  /** Bits a common umask (022, 027, 077) may take away; only modes with some of them need a chmod after creation. */
  private static final Set<PosixFilePermission> BEYOND_OWNER = EnumSet.complementOf(EnumSet.of(
      PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
  static final FileModes PRIVATE = new FileModes(PosixFilePermissions.fromString("rwx------"));

  private final Set<PosixFilePermission> directory;
  private final Set<PosixFilePermission> file;
  private final FileAttribute<Set<PosixFilePermission>> directoryAttribute;
  private final FileAttribute<Set<PosixFilePermission>> fileAttribute;

  private FileModes(Set<PosixFilePermission> directory) {
    this.directory = Set.copyOf(directory);
    EnumSet<PosixFilePermission> f = EnumSet.noneOf(PosixFilePermission.class);
    f.addAll(directory);
    f.removeAll(EXECUTE);
    this.file = Set.copyOf(f);
    this.directoryAttribute = PosixFilePermissions.asFileAttribute(this.directory);
    this.fileAttribute = PosixFilePermissions.asFileAttribute(this.file);
  }

  static FileModes of(Path root) {
    try {
      Set<PosixFilePermission> rootMode = Files.getPosixFilePermissions(root);
      return rootMode.contains(PosixFilePermission.OWNER_EXECUTE) && rootMode.contains(PosixFilePermission.OWNER_WRITE)
          ? new FileModes(rootMode) : PRIVATE;
    } catch (IOException | UnsupportedOperationException e) {
      return PRIVATE; // no root yet (it is created 0700), or no POSIX modes here
    }
  }

  FileAttribute<Set<PosixFilePermission>> forDirectory() {
    return directoryAttribute;
  }

  FileAttribute<Set<PosixFilePermission>> forFile() {
    return fileAttribute;
  }

  /**
   * After creating {@code path} with {@link #forFile}/{@link #forDirectory}: the umask only takes bits away, so an
   * owner-only mode is already exact; a wider one (a root shared with a group) is set again.
   */
  void settle(Path path, boolean isDirectory) throws IOException {
    Set<PosixFilePermission> wanted = isDirectory ? directory : file;
    if (wanted.stream().anyMatch(BEYOND_OWNER::contains)) {
      Files.setPosixFilePermissions(path, wanted);
    }
  }

  @Override
  public String toString() {
    return PosixFilePermissions.toString(directory) + "/" + PosixFilePermissions.toString(file);
  }
}
