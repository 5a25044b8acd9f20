package dovetail.proxy.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
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
 *
 * <p>The JVM writes the archive after the command, and when it cannot (a full file system, a quota) it exits 1
 * whatever the command's code was. So a dump is only asked for with room to spare, the second JVM records the
 * command's exit code before it exits ({@link #recordExit}), and a failed dump costs one line and is not tried again.
 */
final class ClassArchive {
  static final String DIRECTORY = "dovetail.classArchiveDir";
  /** The JVM's own messages about class-data archives: not the operator's concern. */
  static final String QUIET = "-Xlog:cds*=off";
  /** Set in a dumping second JVM: the file whose modification time records the command's exit code. */
  static final String EXIT_RECORD = "dovetail.classArchive.exitRecord";
  /** Free space below which no dump is asked for: archives take 8-13 MB, and the run's own files need room too. */
  static final long MIN_FREE_BYTES = 64L << 20;

  private final Path archive;
  private final Path writing;
  /** Left when a complete run wrote no archive (a JDK without a base archive): do not pay the dump again. */
  private final Path unavailable;
  /** Created empty before a dumping run; the second JVM stamps the command's exit code on it. */
  private final Path exitRecord;

  private ClassArchive(Path archive, Path writing) {
    this.archive = archive;
    this.writing = writing;
    this.unavailable = archive.resolveSibling(archive.getFileName() + ".unavailable");
    this.exitRecord = writing.resolveSibling(writing.getFileName() + ".exit");
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

  /** JVM options: map the archive, or write it at exit when there is none yet and room for it. */
  List<String> options() {
    return options(archive.getParent().toFile().getUsableSpace()); // 0 when unknown: no dump
  }

  List<String> options(long usableBytes) {
    if (Files.isReadable(archive)) {
      return List.of("-XX:SharedArchiveFile=" + archive, QUIET);
    }
    if (Files.exists(unavailable) || usableBytes < MIN_FREE_BYTES) {
      return List.of(); // no marker for too little room: there may be room next time
    }
    try {
      Files.deleteIfExists(exitRecord);
      Files.createFile(exitRecord);
    } catch (IOException e) {
      return List.of(); // without the record a failed dump could not be told from the command's own exit 1
    }
    return List.of("-XX:ArchiveClassesAtExit=" + writing, QUIET, "-D" + EXIT_RECORD + "=" + exitRecord);
  }

  /**
   * In a dumping second JVM, just before it exits: records the command's exit code for the launcher, as the record's
   * modification time (metadata only, so it is written on a full file system too).
   */
  static void recordExit(int exitCode) {
    String record = System.getProperty(EXIT_RECORD);
    if (record != null) {
      try {
        Files.setLastModifiedTime(Path.of(record), FileTime.fromMillis(exitCode));
      } catch (IOException | RuntimeException e) {
        // the launcher then takes the JVM's exit code, as without an archive
      }
    }
  }

  /**
   * After the second JVM ended with {@code jvmExit}: keep what a complete run wrote (and drop older archives of the
   * jar); returns the command's exit code, which a failed dump does not change.
   */
  int settle(int jvmExit) {
    int commandExit = recordedExit().orElse(jvmExit);
    if (commandExit != jvmExit) {
      dumpFailed();
      return commandExit;
    }
    settleDump(commandExit);
    return commandExit;
  }

  /** The exit code that the second JVM recorded, if it got as far as recording one. */
  private Optional<Integer> recordedExit() {
    try {
      if (!Files.exists(exitRecord)) {
        return Optional.empty();
      }
      long stamp = Files.getLastModifiedTime(exitRecord).toMillis();
      Files.deleteIfExists(exitRecord);
      return stamp >= 0 && stamp <= 255 ? Optional.of((int) stamp) : Optional.empty(); // else: the creation time
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The command ended with its code, then the JVM could not write the archive and exited 1: give it up for this jar. */
  private void dumpFailed() {
    try {
      Files.deleteIfExists(writing);
    } catch (IOException e) {
      // a partial archive under a temporary name is harmless
    }
    String retry;
    try {
      Files.writeString(unavailable, "");
      retry = "; later runs do without it (remove " + unavailable + " to try again)";
    } catch (IOException e) {
      retry = ""; // no room even for the marker: the next run sees too little space and does not try
    }
    System.err.println("dovetail: could not write the class-data archive in " + archive.getParent()
        + " (a full file system or a quota?)" + retry);
  }

  private void settleDump(int exitCode) {
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
