package dovetail.proxy.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.OtherProcessLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
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

  /** A server killed in the microseconds it makes its directory left it under its making name, never removed. */
  @Test
  void aDirectoryLeftHalfMadeLongAgoIsRemovedAndOneBeingMadeNowIsNot() throws Exception {
    Path old = Files.createDirectory(tmp.resolve(TransitDirectory.MAKING + "old"));
    Files.createFile(old.resolve(TransitDirectory.OWNER));
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(TransitDirectory.MAKING_LEFT_AFTER)
        .minusSeconds(60)));
    Path now = Files.createDirectory(tmp.resolve(TransitDirectory.MAKING + "now"));
    try (TransitDirectory mine = TransitDirectory.create(tmp)) {
      assertFalse(Files.exists(old), "the half-made directory of a server killed long ago is still there");
      assertTrue(Files.isDirectory(now), "a directory another server is making now was removed");
    }
  }

  private List<Path> entries() throws Exception {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.toList();
    }
  }

  /**
   * Review 23, F1: another server removing abandoned directories found a new one between its lock file's creation and
   * its lock, took it for a dead server's, and removed it under its owner (254 of 20,000 starts of three JVMs). Here
   * another process (python3) removes every such directory whose lock it gets, as fast as it can, while this one
   * makes 2,000: none may be removed under its owner.
   */
  @Test
  void aDirectoryIsNeverRemovedUnderItsOwnerByAnotherServerStarting() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "no python3");
    Process sweeper = new ProcessBuilder("python3", "-c", String.join("\n",
        "import fcntl, glob, os, shutil, sys",
        "print('sweeping', flush=True)",
        "while True:",
        "  for d in glob.glob(os.path.join(sys.argv[1], '" + TransitDirectory.PREFIX + "*')):",
        "    try:",
        "      fd = os.open(os.path.join(d, '" + TransitDirectory.OWNER + "'), os.O_WRONLY)",
        "    except OSError:",
        "      continue",
        "    try:",
        "      fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)",
        "      shutil.rmtree(d, ignore_errors=True)",
        "    except OSError:",
        "      pass",
        "    os.close(fd)"), tmp.toString()).redirectErrorStream(true).start();
    try {
      assertEquals("sweeping", new java.io.BufferedReader(new java.io.InputStreamReader(sweeper.getInputStream()))
          .readLine());
      int removedUnderOwner = 0;
      for (int i = 0; i < 2000; i++) {
        try (TransitDirectory mine = TransitDirectory.create(tmp)) {
          if (!Files.exists(mine.path().resolve(TransitDirectory.OWNER))) {
            removedUnderOwner++;
          }
        }
      }
      assertEquals(0, removedUnderOwner, "live directories removed by another server starting");
    } finally {
      sweeper.destroyForcibly();
      sweeper.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
