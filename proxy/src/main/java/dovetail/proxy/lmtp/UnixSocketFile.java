package dovetail.proxy.lmtp;

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
 * The LMTP socket's file (lmtp_listen = unix:PATH), with the mode of lmtp_socket_mode from the first instant. The
 * same steps as the admin socket's (admin.SocketFile, which binds a JDK channel; this one binds Netty's): bind(2)
 * makes the file with 0777 minus the umask, so the socket is bound inside a fresh 0700 directory beside the target,
 * given its mode, and renamed onto the target, which also replaces a stale socket file in one step. The group is the
 * process's, or the parent directory's when that directory is setgid (as /var/spool/postfix/private often is not,
 * so such a directory is the operator's choice to make).
 */
final class UnixSocketFile implements AutoCloseable {
  private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Binds a listening socket at the path given. */
  interface Binder {
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
   * that is not a socket, is refused. The parent directory is created if missing.
   */
  static UnixSocketFile bind(Path target, Set<PosixFilePermission> mode, Binder binder) throws Exception {
    Path socket = target.toAbsolutePath().normalize();
    Path parent = Objects.requireNonNull(socket.getParent(), "lmtp_listen: the socket has no parent directory");
    Files.createDirectories(parent);
    refuseIfInUse(socket);
    Path dir = privateDirectory(parent);
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

  Path path() {
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

  private static void refuseIfInUse(Path socket) throws IOException {
    if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
      throw new IOException("lmtp_listen: " + socket + " exists and is not a socket; remove it or choose another path");
    }
    try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      throw new IOException("lmtp_listen: another server answers on " + socket + "; is Dovetail already running?");
    } catch (java.net.SocketException nobodyThere) {
      // connection refused: left over from a server that stopped without removing it
    }
  }

  /** A new 0700 directory with a short name: a socket path may be at most about 100 bytes long. */
  private static Path privateDirectory(Path parent) throws IOException {
    while (true) {
      byte[] random = new byte[4];
      RANDOM.nextBytes(random);
      Path dir = parent.resolve(".lmtp-" + HexFormat.of().formatHex(random));
      try {
        return Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
      } catch (FileAlreadyExistsException taken) {
        // try another name
      }
    }
  }
}
