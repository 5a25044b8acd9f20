package dovetail.proxy.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive's life: written by a complete first run, mapped by later ones, replaced for a rebuilt jar. */
class ClassArchiveTest {
  @TempDir Path dir;
  private Path cache;
  private Path jar;

  @BeforeEach
  void setUp() throws IOException {
    cache = dir.resolve("cache");
    System.setProperty(ClassArchive.DIRECTORY, cache.toString());
    jar = Files.writeString(dir.resolve("dovetail.jar"), "jar bytes");
  }

  @AfterEach
  void tearDown() {
    System.clearProperty(ClassArchive.DIRECTORY);
  }

  private static String option(List<String> options, String prefix) {
    return options.stream().filter(o -> o.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError(options))
        .substring(prefix.length());
  }

  @Test
  void aCompleteRunsArchiveIsKeptAndMappedNextTime() throws IOException {
    ClassArchive first = ClassArchive.forJar(jar).orElseThrow();
    List<String> dumping = first.options();
    assertTrue(dumping.contains(ClassArchive.QUIET), dumping.toString());
    Path written = Path.of(option(dumping, "-XX:ArchiveClassesAtExit="));
    assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)));
    Files.writeString(written, "archive"); // what the JVM writes at exit
    first.settle(0);
    assertFalse(Files.exists(written));
    assertTrue(Files.exists(first.archive()));

    List<String> mapping = ClassArchive.forJar(jar).orElseThrow().options();
    assertEquals(first.archive().toString(), option(mapping, "-XX:SharedArchiveFile="));
  }

  @Test
  void anIncompleteRunsArchiveIsDropped() throws IOException {
    ClassArchive a = ClassArchive.forJar(jar).orElseThrow();
    Path written = Path.of(option(a.options(), "-XX:ArchiveClassesAtExit="));
    Files.writeString(written, "archive");
    a.settle(2);
    assertFalse(Files.exists(written));
    assertFalse(Files.exists(a.archive()));
    assertTrue(ClassArchive.forJar(jar).orElseThrow().options().stream().anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit=")),
        "the next run tries again");
  }

  @Test
  void aJvmThatWroteNoArchiveIsNotAskedAgain() {
    ClassArchive a = ClassArchive.forJar(jar).orElseThrow();
    a.options();
    a.settle(0); // complete, but nothing written (a JDK without a base archive)
    assertEquals(List.of(), ClassArchive.forJar(jar).orElseThrow().options());
  }

  @Test
  void aRebuiltJarGetsANewArchiveAndTheOldOneGoes() throws IOException {
    ClassArchive old = ClassArchive.forJar(jar).orElseThrow();
    Files.writeString(Path.of(option(old.options(), "-XX:ArchiveClassesAtExit=")), "old archive");
    old.settle(0);
    Files.writeString(jar, "rebuilt jar bytes");
    Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 5000));

    ClassArchive rebuilt = ClassArchive.forJar(jar).orElseThrow();
    assertNotEquals(old.archive(), rebuilt.archive());
    Files.writeString(Path.of(option(rebuilt.options(), "-XX:ArchiveClassesAtExit=")), "new archive");
    rebuilt.settle(0);
    assertTrue(Files.exists(rebuilt.archive()));
    assertFalse(Files.exists(old.archive()), "one archive per jar");
  }

  @Test
  void tooLittleRoomMeansNoDumpThisTimeButNoGivingUp() {
    ClassArchive a = ClassArchive.forJar(jar).orElseThrow();
    assertEquals(List.of(), a.options(ClassArchive.MIN_FREE_BYTES - 1));
    assertTrue(a.options(ClassArchive.MIN_FREE_BYTES).stream().anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit=")));
  }

  @Test
  void aFailedDumpKeepsTheCommandsExitCodeAndIsNotTriedAgain() throws IOException {
    ClassArchive a = ClassArchive.forJar(jar).orElseThrow();
    List<String> options = a.options();
    Path written = Path.of(option(options, "-XX:ArchiveClassesAtExit="));
    System.setProperty(ClassArchive.EXIT_RECORD, option(options, "-D" + ClassArchive.EXIT_RECORD + "="));
    try {
      ClassArchive.recordExit(0); // the backup completed...
    } finally {
      System.clearProperty(ClassArchive.EXIT_RECORD);
    }
    Files.writeString(written, "partial"); // ...then the JVM could not write all of the archive and exited 1
    assertEquals(0, a.settle(1));
    assertFalse(Files.exists(written));
    assertEquals(List.of(), ClassArchive.forJar(jar).orElseThrow().options(), "given up for this jar");
    try (var left = Files.list(cache)) {
      assertEquals(1, left.count(), "only the marker");
    }
  }

  @Test
  void theCommandsOwnExitCodeIsTheJvmsWhenTheDumpWorkedOrNothingWasRecorded() {
    ClassArchive a = ClassArchive.forJar(jar).orElseThrow();
    List<String> options = a.options();
    System.setProperty(ClassArchive.EXIT_RECORD, option(options, "-D" + ClassArchive.EXIT_RECORD + "="));
    try {
      ClassArchive.recordExit(1); // verify: differences
    } finally {
      System.clearProperty(ClassArchive.EXIT_RECORD);
    }
    assertEquals(1, a.settle(1));
    ClassArchive b = ClassArchive.forJar(jar).orElseThrow();
    b.options();
    assertEquals(143, b.settle(143), "stopped by a signal before recording");
    assertTrue(ClassArchive.forJar(jar).orElseThrow().options().stream().anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit=")),
        "a run cut short is no reason to give up");
  }

  @Test
  void noUsableCacheDirectoryMeansNoArchive() throws IOException {
    Path file = Files.writeString(dir.resolve("not-a-directory"), "");
    System.setProperty(ClassArchive.DIRECTORY, file.resolve("sub").toString());
    assertTrue(ClassArchive.forJar(jar).isEmpty());
  }
}
