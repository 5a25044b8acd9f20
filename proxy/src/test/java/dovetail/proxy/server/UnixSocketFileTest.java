package dovetail.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directories that a socket's bind creates get a mode of Dovetail's own, not the umask's (under umask 000 they
 * were world-writable: anyone could put their own socket in the admin socket's or the LMTP socket's place). The
 * modes are checked exactly, so the test fails under any umask that is not 077.
 */
class UnixSocketFileTest {
  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private UnixSocketFile bind(Path target, String mode) throws Exception {
    UnixSocketFile file = UnixSocketFile.bind("admin_socket", target, PosixFilePermissions.fromString(mode), path -> {
      ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      open.add(channel);
      channel.bind(UnixDomainSocketAddress.of(path));
    });
    open.add(file);
    return file;
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void missingDirectoriesOfAPrivateSocketAreTheOwnersOnly() throws Exception {
    Path socket = dir.resolve("run/dovetail/admin.sock");
    bind(socket, "rw-------");
    assertTrue(UnixSocketFile.answers(socket));
    assertEquals("rwx------", mode(dir.resolve("run")));
    assertEquals("rwx------", mode(dir.resolve("run/dovetail")));
    assertEquals("rw-------", mode(socket));
  }

  @Test
  void aSocketTheGroupMayUseGetsADirectoryTheGroupMaySearchButNotWrite() throws Exception {
    Path socket = dir.resolve("lmtp/lmtp");
    bind(socket, "rw-rw----");
    assertEquals("rwxr-x---", mode(dir.resolve("lmtp")));
    bind(dir.resolve("open/lmtp"), "rw-rw-rw-");
    assertEquals("rwxr-xr-x", mode(dir.resolve("open")));
  }

  @Test
  void anExistingDirectoryKeepsItsMode() throws Exception {
    Path mine = Files.createDirectory(dir.resolve("mine"));
    Files.setPosixFilePermissions(mine, PosixFilePermissions.fromString("rwxrwx--x"));
    bind(mine.resolve("admin.sock"), "rw-------");
    assertEquals("rwxrwx--x", mode(mine));
  }
}
