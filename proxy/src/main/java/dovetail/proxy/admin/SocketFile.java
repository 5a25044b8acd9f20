package dovetail.proxy.admin;

import dovetail.proxy.server.UnixSocketFile;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The admin socket: a JDK channel bound at a {@link UnixSocketFile} of mode 0600, never reachable with a wider mode,
 * even for an instant.
 */
final class SocketFile implements AutoCloseable {
  static final Set<PosixFilePermission> SOCKET_MODE = PosixFilePermissions.fromString("rw-------");

  private final UnixSocketFile file;
  private final ServerSocketChannel channel;

  private SocketFile(UnixSocketFile file, ServerSocketChannel channel) {
    this.file = file;
    this.channel = channel;
  }

  /** Binds {@code target} (see {@link UnixSocketFile#bind} for a file that is there already). */
  static SocketFile bind(Path target) throws IOException {
    Path socket = target.toAbsolutePath().normalize();
    ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      return new SocketFile(UnixSocketFile.bind("admin_socket", socket, SOCKET_MODE,
          inside -> bind(channel, inside, socket)), channel);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    } catch (Exception e) {
      channel.close();
      throw new IOException(e.getMessage(), e);
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
    return file.path();
  }

  ServerSocketChannel channel() {
    return channel;
  }

  /** Stops listening and removes the file, unless another server has put its own socket there since. */
  @Override
  public void close() throws IOException {
    channel.close();
    file.close();
  }
}
