package dovetail.proxy.imap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.stream.Stream;

/**
 * Another writer's change to a folder (Dovecot renaming a file for its flags, or expunging; a late-mail merge) made
 * within the mtime tick that a session's last listing saw, so that the listing does not notice it: the race such
 * writers win now and then, made certain. Call {@link #beforeListing} before the session lists the folder (SELECT).
 */
final class UnnoticedChange {
  private static final FileTime LISTED = FileTime.from(Instant.parse("2024-01-01T00:00:00Z"));

  interface FileAction {
    void on(Path file) throws IOException;
  }

  private UnnoticedChange() {}

  /** An old mtime on cur/: the listing that follows has no reason to list it again soon. */
  static void beforeListing(Path folderDir) throws IOException {
    Files.setLastModifiedTime(folderDir.resolve("cur"), LISTED);
  }

  /** Applies {@code action} to the file of message {@code uid}, and leaves cur/'s mtime as the listing saw it. */
  static void toMessage(Path folderDir, long uid, FileAction action) throws IOException {
    String record = Files.readAllLines(folderDir.resolve("dovecot-uidlist")).stream()
        .filter(l -> l.startsWith(uid + " ")).findFirst().orElseThrow();
    String base = record.substring(record.indexOf(':') + 1);
    try (Stream<Path> files = Files.list(folderDir.resolve("cur"))) {
      action.on(files.filter(f -> f.getFileName().toString().startsWith(base)).findFirst().orElseThrow());
    }
    Files.setLastModifiedTime(folderDir.resolve("cur"), LISTED);
  }
}
