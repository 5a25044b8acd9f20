package dovetail.proxy.admin;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
 * The admin socket's file: bound with mode 0600 and never reachable with a wider mode, even for an instant.
 *
 * <p>Java cannot set the umask, and bind(2) creates the file with 0777 minus the umask; a chmod after it would
 * leave a window in which any local user could connect. So the socket is bound inside a fresh directory of mode
 * 0700 next to the target (connect(2) needs search permission on every directory of the path, so nobody else can
 * reach it there), set to 0600, and then renamed onto the target. rename(2) is atomic and replaces a stale socket
 * file in the same step. The directory sits in the target's parent so that the rename never crosses file systems.
 */
final class SocketFile implements AutoCloseable {
  static final Set<PosixFilePermission> SOCKET_MODE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path path;
  private final Object fileKey;
  private final ServerSocketChannel channel;

  private SocketFile(Path path, Object fileKey, ServerSocketChannel channel) {
    this.path = path;
    this.fileKey = fileKey;
    this.channel = channel;
  }

  /**
   * Binds {@code target}, creating its parent directory if missing. An old socket file that nobody answers on is
   * replaced; a socket with a live server behind it, or a file that is not a socket, is refused.
   */
  static SocketFile bind(Path target) throws IOException {
    Path socket = target.toAbsolutePath().normalize();
    Path parent = Objects.requireNonNull(socket.getParent(), "admin_socket has no parent directory");
    Files.createDirectories(parent);
    refuseIfInUse(socket);
    Path dir = privateDirectory(parent);
    Path inside = dir.resolve("s");
    ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      bind(channel, inside, socket);
      Files.setPosixFilePermissions(inside, SOCKET_MODE);
      Files.move(inside, socket, StandardCopyOption.ATOMIC_MOVE);
      Object key = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
      return new SocketFile(socket, key, channel);
    } catch (IOException | RuntimeException e) {
      channel.close();
      Files.deleteIfExists(inside);
      throw e;
    } finally {
      Files.deleteIfExists(dir);
    }
  }

  private static void bind(ServerSocketChannel channel, Path inside, Path socket) throws IOException {
    try {
      channel.bind(UnixDomainSocketAddress.of(inside));
    } catch (IOException | java.nio.file.InvalidPathException e) {
      // Java's message ("path too long") names neither path; the operator needs to know which setting to change.
      throw new IOException("cannot bind the admin socket " + socket + " (bound first as " + inside + "): "
          + e.getMessage(), e);
    }
  }

  Path path() {
    return path;
  }

  ServerSocketChannel channel() {
    return channel;
  }

  /** Stops listening and removes the file, unless another server has put its own socket there since. */
  @Override
  public void close() throws IOException {
    channel.close();
    try {
      Object now = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
      if (Objects.equals(now, fileKey)) {
        Files.deleteIfExists(path);
      }
    } catch (java.nio.file.NoSuchFileException gone) {
      // Removed by someone else already: nothing to clean.
    }
  }

  /**
   * Two servers started at the same instant could both pass this check, and the second rename would win; that is
   * an operator's mistake this does not try to make safe. What it prevents is the common one: a second
   * {@code serve} with the same configuration taking the socket away from the first.
   */
  private static void refuseIfInUse(Path socket) throws IOException {
    if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    BasicFileAttributes attrs = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attrs.isOther()) {
      throw new IOException(socket + " exists and is not a socket; remove it or choose another admin_socket");
    }
    try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      throw new IOException("another server answers on " + socket + "; is Dovetail already running?");
    } catch (java.net.SocketException nobodyThere) {
      // Connection refused: the file is left over from a server that stopped without removing it.
    }
  }

  /** A new directory of mode 0700, with a short name: a socket path may be at most about 100 bytes long. */
  private static Path privateDirectory(Path parent) throws IOException {
    while (true) {
      byte[] random = new byte[4];
      RANDOM.nextBytes(random);
      Path dir = parent.resolve(".admin-" + HexFormat.of().formatHex(random));
      try {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
        return dir;
      } catch (FileAlreadyExistsException taken) {
        // Try another name.
      }
    }
  }
}
