package dovetail.proxy.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * A class-data archive (the JVM's dynamic CDS) of the classes a batch command loads: the first run with a
 * jar writes it when it exits, later runs map it instead of reading and verifying ~3,500 classes (0.15 s
 * of a 1.5 s backup, bench/README.md). One archive per jar and JDK, in the user's cache directory
 * ({@code $XDG_CACHE_HOME/dovetail} or {@code ~/.cache/dovetail}, or {@code -Ddovetail.classArchiveDir});
 * a rebuilt jar or another JDK gets a new one and the old one is removed. The JVM checks an archive against
 * the jar and itself and ignores one that does not match; its messages about archives (picocli's Java 5
 * classes cannot be archived, for one) are turned off, so the operator's terminal shows none of this.
 */
final class ClassArchive {
  static final String DIRECTORY = "dovetail.classArchiveDir";
  /** The JVM's own messages about class-data archives: not the operator's concern. */
  static final String QUIET = "-Xlog:cds*=off";

  private final Path archive;
  private final Path writing;
  /** Left when a complete run wrote no archive (a JDK without a base archive): do not pay the dump again. */
  private final Path unavailable;

  private ClassArchive(Path archive, Path writing) {
    this.archive = archive;
    this.writing = writing;
    this.unavailable = archive.resolveSibling(archive.getFileName() + ".unavailable");
  }

  /** The archive for this jar, or empty when there is no usable cache directory. */
  static Optional<ClassArchive> forJar(Path jar) {
    try {
      Path directory = directory();
      Path real = jar.toRealPath();
      String family = "dovetail-" + digest(real.toString());
      String version = digest(Files.size(real) + "|" + Files.getLastModifiedTime(real).toMillis() + "|"
          + System.getProperty("java.home") + "|" + System.getProperty("java.vm.version"));
      Path archive = directory.resolve(family + "-" + version + ".jsa");
      return Optional.of(new ClassArchive(archive, directory.resolve(archive.getFileName() + "."
          + ProcessHandle.current().pid() + ".tmp")));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // no cache: the command runs as well, only its start is slower
    }
  }

  /** JVM options: map the archive, or write it at exit when there is none yet. */
  List<String> options() {
    if (Files.isReadable(archive)) {
      return List.of("-XX:SharedArchiveFile=" + archive, QUIET);
    }
    if (Files.exists(unavailable)) {
      return List.of();
    }
    return List.of("-XX:ArchiveClassesAtExit=" + writing, QUIET);
  }

  /** After the second JVM ended: keep what a complete run wrote (and drop older archives of the jar). */
  void settle(int exitCode) {
    try {
      if (!Files.exists(writing)) {
        if (exitCode == 0 && !Files.isReadable(archive)) {
          Files.writeString(unavailable, "");
        }
        return;
      }
      if (exitCode == 0) {
        Files.move(writing, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        removeOlder();
      } else {
        Files.deleteIfExists(writing); // a run cut short may have loaded too few classes to be worth keeping
      }
    } catch (IOException e) {
      // the next run tries again
    }
  }

  Path archive() {
    return archive;
  }

  private void removeOlder() throws IOException {
    String name = archive.getFileName().toString();
    String family = name.substring(0, name.lastIndexOf('-') + 1);
    // Archives and markers of older builds of this jar; not this build's files (another run may be writing one).
    try (DirectoryStream<Path> siblings = Files.newDirectoryStream(archive.getParent(), family + "*")) {
      for (Path p : siblings) {
        if (!p.getFileName().toString().startsWith(name)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static Path directory() throws IOException {
    String configured = System.getProperty(DIRECTORY);
    Path dir;
    if (configured != null) {
      dir = Path.of(configured);
    } else {
      String cache = System.getenv("XDG_CACHE_HOME");
      dir = (cache != null && !cache.isEmpty() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache"))
          .resolve("dovetail");
    }
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    if (!Files.isWritable(dir)) {
      throw new IOException(dir + " is not writable");
    }
    return dir;
  }

  /** A name part, not a secret: CRC-32 (already loaded to read the jar; a message digest loads ~90 classes). */
  private static String digest(String text) {
    CRC32 crc = new CRC32();
    crc.update(text.getBytes(StandardCharsets.UTF_8));
    return Long.toHexString(crc.getValue());
  }
}
