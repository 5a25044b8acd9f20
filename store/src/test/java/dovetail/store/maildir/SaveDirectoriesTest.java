package dovetail.store.maildir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.conf.FsyncMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both ways of saving into tmp/ and cur/: relative to the open directories (Linux), and by path (elsewhere). */
class SaveDirectoriesTest {
  private static final FileWrites WRITES = new FileWrites(FsyncMode.ALWAYS, FileOwner.UNCHANGED, FileModes.PRIVATE);

  @TempDir
  Path folder;

  @ParameterizedTest(name = "relative = {0}")
  @ValueSource(booleans = {true, false})
  void aFileIsCreatedDatedAndMovedIntoCur(boolean relative) throws IOException {
    Files.createDirectories(folder.resolve("tmp"));
    Files.createDirectories(folder.resolve("cur"));
    byte[] body = "Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
    try (SaveDirectories dirs = new SaveDirectories(folder, WRITES, relative)) {
      try (FileChannel out = dirs.create("m1")) {
        out.write(ByteBuffer.wrap(body));
      }
      assertThrows(FileAlreadyExistsException.class, () -> dirs.create("m1").close());
      dirs.setTimes("m1", FileTime.from(1_500_000_000L, TimeUnit.SECONDS), FileTime.from(1_600_000_000L, TimeUnit.SECONDS));
      dirs.moveToCur("m1", "m1,S=20:2,S");

      try (FileChannel second = dirs.create("m2")) {
        second.write(ByteBuffer.wrap(body));
      }
      dirs.deleteQuietly("m2");
      dirs.deleteQuietly("never-written");
    }
    Path stored = folder.resolve("cur").resolve("m1,S=20:2,S");
    // the access time before reading the file, which may set it
    assertEquals(1_600_000_000L, ((FileTime) Files.getAttribute(stored, "lastAccessTime")).to(TimeUnit.SECONDS));
    assertEquals(1_500_000_000L, Files.getLastModifiedTime(stored).to(TimeUnit.SECONDS));
    assertArrayEquals(body, Files.readAllBytes(stored));
    try (var left = Files.list(folder.resolve("tmp"))) {
      assertEquals(0, left.count(), "tmp/ is empty");
    }
  }

  @ParameterizedTest(name = "relative = {0}")
  @ValueSource(booleans = {true, false})
  void closedDirectoriesOpenAgainOnTheNextUse(boolean relative) throws IOException {
    Files.createDirectories(folder.resolve("tmp"));
    Files.createDirectories(folder.resolve("cur"));
    SaveDirectories dirs = new SaveDirectories(folder, WRITES, relative);
    dirs.create("a").close();
    dirs.moveToCur("a", "a:2,");
    dirs.close();
    dirs.create("b").close();
    dirs.moveToCur("b", "b:2,");
    dirs.close();
    assertTrue(Files.exists(folder.resolve("cur/a:2,")));
    assertTrue(Files.exists(folder.resolve("cur/b:2,")));
    assertFalse(Files.exists(folder.resolve("tmp/b")));
  }
}
