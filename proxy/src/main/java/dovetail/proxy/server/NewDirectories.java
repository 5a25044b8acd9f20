package dovetail.proxy.server;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Set;

/**
 * Directories that Dovetail creates where the operator named a path that is not there yet (a socket's directory,
 * java.io.tmpdir), with a mode of our choosing: {@code Files.createDirectories} would leave them to the umask, and
 * under umask 000 any local user could then replace a socket in them.
 */
public final class NewDirectories {
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

  private NewDirectories() {}

  /**
   * Creates {@code dir} and its missing parents, each with exactly {@code mode} (set after mkdir: the umask takes
   * nothing away and adds nothing). Directories that exist are left as they are.
   */
  public static void create(Path dir, Set<PosixFilePermission> mode) throws IOException {
    Deque<Path> missing = new ArrayDeque<>();
    for (Path p = dir.toAbsolutePath().normalize(); p != null && !Files.isDirectory(p); p = p.getParent()) {
      missing.push(p);
    }
    for (Path p : missing) { // the outermost first
      try {
        Files.createDirectory(p, PosixFilePermissions.asFileAttribute(OWNER_ONLY)); // never wider than 0700 meanwhile
      } catch (FileAlreadyExistsException e) {
        if (Files.isDirectory(p)) {
          continue; // made by someone else meanwhile: theirs
        }
        throw e;
      }
      Files.setPosixFilePermissions(p, mode);
    }
  }

  /**
   * The mode for a new directory of a socket file with {@code socketMode}: the owner's, and search and list (never
   * write) for the group and others when the socket lets them connect (connect(2) needs search on the directory).
   */
  public static Set<PosixFilePermission> forSocket(Set<PosixFilePermission> socketMode) {
    Set<PosixFilePermission> mode = EnumSet.copyOf(OWNER_ONLY);
    if (socketMode.contains(PosixFilePermission.GROUP_READ) || socketMode.contains(PosixFilePermission.GROUP_WRITE)) {
      mode.add(PosixFilePermission.GROUP_READ);
      mode.add(PosixFilePermission.GROUP_EXECUTE);
    }
    if (socketMode.contains(PosixFilePermission.OTHERS_READ) || socketMode.contains(PosixFilePermission.OTHERS_WRITE)) {
      mode.add(PosixFilePermission.OTHERS_READ);
      mode.add(PosixFilePermission.OTHERS_EXECUTE);
    }
    return mode;
  }

  /**
   * Why a directory (or a file in it) could not be made, for the operator: the JDK's message is often the path alone
   * ("/etc/dovetail.conf").
   */
  public static String why(FileSystemException e) {
    if (e.getReason() != null) {
      return e.getReason();
    }
    if (e instanceof NotDirectoryException || e instanceof FileAlreadyExistsException) {
      return "not a directory"; // a file is where a directory must be
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getClass().getSimpleName();
  }

  /** Owner only: java.io.tmpdir, when Dovetail has to create it. */
  public static Set<PosixFilePermission> ownerOnly() {
    return EnumSet.copyOf(OWNER_ONLY);
  }
}
