package dovetail.store.maildir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files that writers left in a folder's tmp/. A file there may belong to a save that another process (Dovecot, its
 * LDA, another Dovetail) is still writing, so Dovecot removes only those that nobody changed for 36 hours
 * (maildir_tmp_cleanup). Dovetail also removes at once the file of a writer that died: Dovecot and Dovetail name tmp/
 * files {@code <secs>.M<usecs>P<pid>[Q<n>].<host>}, and a process of this host that no longer runs writes nothing more
 * (the rule by which both judge a dotlock of this host stale). So a save that a kill -9 interrupted before its commit
 * leaves nothing behind once the folder is next opened or written. A file that a uidlist record names always stays: it
 * belongs to a commit a kill interrupted after its records were written, and it is what tells the next sync to undo
 * that commit (and give its UIDs back) rather than take its messages for expunged ones.
 */
final class TmpLeftovers {
  private static final Logger LOG = LoggerFactory.getLogger(TmpLeftovers.class);
  /** Dovecot's MAILDIR_TMP_DELETE_SECS. */
  static final Duration ABANDONED_AFTER = Duration.ofHours(36);
  /** The writer's pid and host in a tmp/ name; what other MDAs write (procmail, maildrop) does not match. */
  private static final Pattern WRITER = Pattern.compile("\\d+\\.(?:M\\d+)?P(\\d{1,18})(?:[A-Z][0-9A-Fa-f]+)*\\.([^,:]+)");

  private TmpLeftovers() {}

  /**
   * Removes from {@code folderDir}/tmp/ the files that no uidlist record names and that a writer of this host that
   * died left, or that nobody changed since {@code cutoffMillis}. The age is the ctime, since a message in tmp/
   * already carries its INTERNALDATE as mtime. Best effort, as in Dovecot: a leftover only costs disk space.
   */
  static void remove(Path folderDir, long cutoffMillis) {
    Path tmp = folderDir.resolve("tmp");
    List<Path> candidates = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp)) {
      for (Path p : entries) {
        if (writerDied(p.getFileName().toString())) {
          candidates.add(p);
        } else if (Files.getAttribute(p, "unix:ctime", LinkOption.NOFOLLOW_LINKS) instanceof FileTime t
            && t.toMillis() < cutoffMillis) {
          candidates.add(p);
        }
      }
      if (candidates.isEmpty()) {
        return;
      }
      Path uidlist = folderDir.resolve("dovecot-uidlist");
      String records = Files.exists(uidlist) ? Files.readString(uidlist, StandardCharsets.ISO_8859_1) : "";
      int removed = 0;
      for (Path p : candidates) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && !records.contains(":" + p.getFileName())
            && Files.deleteIfExists(p)) {
          removed++;
        }
      }
      if (removed > 0) {
        LOG.info("{}: removed {} file(s) of saves that were never committed (their writer died, or left them more "
            + "than 36 hours ago)", tmp, removed);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // best effort (no tmp/ yet, a file gone meanwhile)
    }
  }

  /** Whether {@code name} was written by a process of this host that no longer runs. */
  static boolean writerDied(String name) {
    Matcher m = WRITER.matcher(name);
    if (!m.lookingAt() || !m.group(2).equals(HostName.forFilename())) {
      return false;
    }
    long pid = Long.parseLong(m.group(1));
    if (pid == ProcessHandle.current().pid()) {
      return false; // a save of this process, perhaps in progress on another thread
    }
    return ProcessHandle.of(pid).map(process -> !process.isAlive()).orElse(true);
  }
}
