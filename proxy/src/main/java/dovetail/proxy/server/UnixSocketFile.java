package dovetail.proxy.server;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

/**
 * A listening Unix socket's file (admin_socket, lmtp_listen = unix:PATH) with its mode from the first instant.
 * Java cannot set the umask, and bind(2) creates the file with 0777 minus the umask; a chmod after it would leave a
 * window in which any local user could connect. So the socket is bound inside a fresh 0700 directory beside the
 * target (connect(2) needs search permission on every directory of the path), given its mode, and renamed onto the
 * target: rename(2) is atomic and replaces a stale socket file in the same step, and never crosses file systems.
 * The group is the process's, or the parent directory's when that directory is setgid.
 */
public final class UnixSocketFile implements AutoCloseable {
  private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Binds a listening socket at the path given. */
  public interface Binder {
    void bind(Path path) throws Exception;
  }

  private final Path path;
  private final Object fileKey;

  private UnixSocketFile(Path path, Object fileKey) {
    this.path = path;
    this.fileKey = fileKey;
  }

  /**
   * A socket file at {@code target} that nobody answers on is replaced; one with a live server behind it, or a file
   * that is not a socket, is refused. A missing parent directory is created 0700 (0750, 0755 when the mode lets the
   * group, others connect), whatever the umask. Two servers started at the same
   * instant could both pass that check (the second rename wins): an operator's mistake this does not make safe.
   *
   * @param setting the setting that names the path, for the operator's error messages
   */
  public static UnixSocketFile bind(String setting, Path target, Set<PosixFilePermission> mode, Binder binder)
      throws Exception {
    Path socket = target.toAbsolutePath().normalize();
    Path parent = Objects.requireNonNull(socket.getParent(), setting + ": the socket has no parent directory");
    Path dir;
    try {
      NewDirectories.create(parent, NewDirectories.forSocket(mode));
      refuseIfInUse(setting, socket);
      dir = privateDirectory(parent);
    } catch (java.nio.file.FileSystemException e) {
      // The JDK's message is often the path alone ("/etc/dovetail.conf"): say which setting, and what went wrong.
      throw new IOException(setting + " " + socket + ": " + NewDirectories.why(e) + " (" + e.getFile() + ")", e);
    }
    Path inside = dir.resolve("s");
    try {
      binder.bind(inside);
      Files.setPosixFilePermissions(inside, mode);
      Files.move(inside, socket, StandardCopyOption.ATOMIC_MOVE);
      return new UnixSocketFile(socket,
          Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey());
    } finally {
      Files.deleteIfExists(inside);
      Files.deleteIfExists(dir);
    }
  }

  public Path path() {
    return path;
  }

  /** Removes the file, unless another server has put its own socket there since. */
  @Override
  public void close() throws IOException {
    try {
      Object now = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
      if (Objects.equals(now, fileKey)) {
        Files.deleteIfExists(path);
      }
    } catch (NoSuchFileException gone) {
      // removed by someone else already
    }
  }

  private static void refuseIfInUse(String setting, Path socket) throws IOException {
    if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
      throw new IOException(setting + ": " + socket + " exists and is not a socket; remove it or choose another path");
    }
    if (answers(socket)) {
      throw new IOException(setting + ": another server answers on " + socket + "; is Dovetail already running?");
    }
  }

  /** Whether a server accepts connections on the socket file {@code socket} (a file left by one that stopped: no). */
  public static boolean answers(Path socket) {
    try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      return true;
    } catch (IOException | java.nio.file.InvalidPathException | UnsupportedOperationException nobodyThere) {
      return false; // connection refused, no such file, a path too long for a socket
    }
  }

  /** A new 0700 directory with a short name: a socket path may be at most about 100 bytes long. */
  private static Path privateDirectory(Path parent) throws IOException {
    while (true) {
      byte[] random = new byte[4];
      RANDOM.nextBytes(random);
      Path dir = parent.resolve(".sock-" + HexFormat.of().formatHex(random));
      try {
        return Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
      } catch (FileAlreadyExistsException taken) {
        // try another name
      }
    }
  }
}
