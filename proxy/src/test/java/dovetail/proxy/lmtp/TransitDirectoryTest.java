package dovetail.proxy.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.OtherProcessLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server killed with kill -9 left its LMTP transit directory under java.io.tmpdir, one per crash, with the message
 * it was receiving. The next start removes those whose owner is gone, and no running server's.
 */
class TransitDirectoryTest {
  @TempDir Path tmp;

  /** What a server leaves when killed mid-DATA: its directory, its owner.lock, a message half received. */
  private Path leftBehind(String name) throws Exception {
    Path d = Files.createDirectory(tmp.resolve(TransitDirectory.PREFIX + name));
    Files.createFile(d.resolve(TransitDirectory.OWNER));
    Files.writeString(d.resolve("data-1.tmp"), "Subject: half\r\n");
    return d;
  }

  @Test
  void aDirectoryWhoseServerWasKilledIsRemovedAtTheNextStartAndARunningServersIsNot() throws Exception {
    Path crashed = leftBehind("crashed");
    Path running = leftBehind("running");
    try (OtherProcessLock runningServer = OtherProcessLock.hold(running.resolve(TransitDirectory.OWNER));
        TransitDirectory mine = TransitDirectory.create(tmp)) {
      assertFalse(Files.exists(crashed), "the killed server's directory is still there");
      assertTrue(Files.exists(running.resolve("data-1.tmp")), "a running server's message was removed");
      assertTrue(Files.isDirectory(mine.path()));

      runningServer.kill();
      try (TransitDirectory second = TransitDirectory.create(tmp)) {
        assertFalse(Files.exists(running), "the directory of a server killed since is still there");
        assertTrue(Files.isDirectory(mine.path()), "this JVM's other listener lost its directory");
      }
    }
    assertEquals(List.of(), entries(), "a closed listener leaves nothing");
  }

  @Test
  void aDirectoryWithoutAnOwnerLockIsLeftAlone() throws Exception {
    // An older build's, or one that another server is making at this moment: not known to be abandoned.
    Path older = Files.createDirectory(tmp.resolve(TransitDirectory.PREFIX + "older"));
    try (TransitDirectory mine = TransitDirectory.create(tmp)) {
      assertTrue(Files.isDirectory(older));
    }
    assertEquals(List.of(older), entries());
  }

  private List<Path> entries() throws Exception {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.toList();
    }
  }
}
