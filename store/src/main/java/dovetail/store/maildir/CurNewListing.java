package dovetail.store.maildir;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * One folder's cur/ and new/ as last listed (the scanning side of maildir-sync.c): base name to "cur/<file name>" or
 * "new/<file name>", listed again when a directory changed. Not thread-safe: the folder's mutex guards it.
 *
 * <p>When cur/ and new/ are listed again (Dovecot's bound, maildir-sync.c): a directory's mtime tells
 * that someone changed it, except for a change in the same clock tick as the mtime we already know. So
 * a read lists them when an mtime differs from the one we last listed or caused ourselves; and while
 * the directories are "dirty" (an mtime was within {@link #DIRTY_WINDOW_MILLIS} of the listing, or our
 * own renames set it) at most once per {@link #DIRTY_RELIST_MILLIS}, so another writer's change in the
 * same tick as ours shows up within about a second. Our own renames, appends and expunges update the
 * listing directly and never by themselves make a read list the directories. {@code scan(true)} lists
 * them unconditionally, for callers that need certainty (a file renamed under us: look again).
 */
final class CurNewListing {
  /**
   * Directory mtimes this recent may hide a change in the same clock tick (Linux file times follow the
   * coarse clock, a few milliseconds a tick): rescan such a directory next time too.
   */
  static final long DIRTY_WINDOW_MILLIS = 100;
  /** A dirty directory (see the class comment) is listed again at most this often (MAILDIR_SYNC_SECS). */
  private static final long DIRTY_RELIST_MILLIS = 1_000;
  /** Lock-free writers (Dovecot renames files to change flags) are caught by a full rescan this often. */
  private static final long FULL_SCAN_EVERY_MILLIS = 10_000;

  private final Path dir;
  private final Consumer<String> warnings;
  /** The string to keep for a listed base name: the record's own when it has one. */
  private final UnaryOperator<String> sharedBaseName;

  private long curMtime = -1;
  private long newMtime = -1;
  private Map<String, String> files = new HashMap<>();
  private long lastListing;
  /** cur/ or new/ may hide a change that we have not listed (see the class comment). */
  private boolean dirty = true;
  private int directoryListings;
  /** Counts the changes of the listing other than our own additions (see {@link #generation()}). */
  private int generation;
  /** Files skipped for their names, each told once. */
  private final Set<String> ignoredNames = new HashSet<>();

  CurNewListing(Path dir, Consumer<String> warnings, UnaryOperator<String> sharedBaseName) {
    this.dir = dir;
    this.warnings = warnings;
    this.sharedBaseName = sharedBaseName;
  }

  /** The current relative path ("cur/…" or "new/…") of a base name, or null. */
  String fileOf(String baseName) {
    return files.get(baseName);
  }

  /** How many files are listed. */
  int size() {
    return files.size();
  }

  /** Base name to relative path, read-only. */
  Map<String, String> files() {
    return Collections.unmodifiableMap(files);
  }

  /** How often cur/ and new/ were listed (a commit after our own must not list them). */
  int directoryListings() {
    return directoryListings;
  }

  /**
   * Grows with every change of the listing other than files we added ourselves (a file gone, another writer's
   * change found by listing): what was built from the listing by following our additions must then be built again.
   */
  int generation() {
    return generation;
  }

  /** Makes the next {@link #scan} list both directories. */
  void invalidate() {
    curMtime = -1;
    newMtime = -1;
  }

  long curMtime() {
    return MaildirSync.mtime(dir.resolve("cur"));
  }

  /**
   * Our own renames in cur/ (new messages, flag changes), applied without listing the directory again.
   * If nobody else changed cur/ since our last listing (its mtime is still the one we listed), the new
   * mtime is taken as listed, and the directory is dirty (another writer may have renamed in the same
   * tick): it is listed again within {@link #DIRTY_RELIST_MILLIS}. Otherwise the next scan lists cur/.
   *
   * @param curMtimeBefore cur/'s mtime read (under the lock) just before our renames
   */
  void noteOwnRenames(Map<String, String> removedBaseToPath, Map<String, String> addedBaseToPath, long curMtimeBefore) {
    for (Map.Entry<String, String> e : removedBaseToPath.entrySet()) {
      files.remove(e.getKey(), e.getValue());
      if (!addedBaseToPath.containsKey(e.getKey())) {
        generation++; // a message left; a renamed one is replaced in place below
      }
    }
    for (Map.Entry<String, String> e : addedBaseToPath.entrySet()) {
      files.put(e.getKey(), e.getValue());
    }
    long after = MaildirSync.mtime(dir.resolve("cur"));
    curMtime = curMtime != -1 && curMtime == curMtimeBefore ? after : -1;
    dirty = true; // a lockless rename in the same tick as ours leaves no trace in the mtime
  }

  /** Lists cur/ and new/ if they may have changed. {@code force} lists them even when their mtimes look unchanged. */
  void scan(boolean force) {
    long cur = MaildirSync.mtime(dir.resolve("cur"));
    long neu = MaildirSync.mtime(dir.resolve("new"));
    long now = System.currentTimeMillis();
    boolean changed = cur != curMtime || neu != newMtime;
    boolean recheck = dirty && now - lastListing >= DIRTY_RELIST_MILLIS;
    if (!force && !changed && !recheck && now - lastListing < FULL_SCAN_EVERY_MILLIS) {
      return;
    }
    directoryListings++;
    Map<String, String> listed = new HashMap<>(files.size() * 2 + 16);
    list("cur", listed);
    list("new", listed);
    // A change in the same clock tick as our listing would leave the mtime as it is: stay dirty a while.
    curMtime = cur;
    newMtime = neu;
    dirty = now - cur < DIRTY_WINDOW_MILLIS || now - neu < DIRTY_WINDOW_MILLIS;
    lastListing = now;
    if (!listed.equals(files)) {
      files = listed;
      generation++;
    }
  }

  private void list(String sub, Map<String, String> into) {
    Path d = dir.resolve(sub);
    // File.list gives the names as strings: a DirectoryStream makes two Paths per file (100,000 in a large folder).
    String[] names = d.toFile().list();
    if (names == null) {
      if (!Files.exists(d)) {
        return; // a missing new/ is harmless; a missing cur/ is repaired when the folder is opened
      }
      listingFailed(d);
    }
    String prefix = sub + "/";
    for (String name : names) {
      if (name.startsWith(".")) {
        continue; // Dovecot skips dot files in cur/ and new/
      }
      if (unusableName(d, name)) {
        continue;
      }
      // The record's string as the key when there is one: one copy of each base name in memory, not two.
      into.put(sharedBaseName.apply(MaildirFilename.baseName(name)), prefix.concat(name));
    }
  }

  /** File.list says only "null": ask a DirectoryStream for the reason. */
  private static void listingFailed(Path d) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(d)) {
      entries.iterator().hasNext();
    } catch (NoSuchFileException e) {
      return; // gone meanwhile: as missing
    } catch (IOException e) {
      throw MaildirSync.io("cannot list " + d, e);
    }
    throw MaildirSync.io("cannot list " + d, new IOException("not a readable directory"));
  }

  /**
   * A file whose name cannot be a dovecot-uidlist record (a line feed would split the record and make the whole file
   * unreadable; Dovecot ignores such a file too) or is not UTF-8 (Java cannot open it by the name it lists). Told once
   * per name.
   */
  private boolean unusableName(Path d, String name) {
    String why;
    if (name.indexOf('\n') >= 0) {
      why = "has a line feed, which dovecot-uidlist cannot hold";
    } else if (name.indexOf('\uFFFD') >= 0 && !nameable(d, name)) {
      why = "is not UTF-8 (or not in the JVM's file name encoding: run Dovetail with a UTF-8 locale, LANG=C.UTF-8)";
    } else {
      return false;
    }
    if (ignoredNames.add(d.getFileName() + "/" + name)) {
      warnings.accept(d + ": ignoring a file whose name " + why + ": " + name.replace("\n", "\\n")
          + " (rename it, then it is taken as a new message)");
    }
    return true;
  }

  /** Whether the file listed as {@code name} can be opened by that name (a name Java decoded with a replacement). */
  private static boolean nameable(Path d, String name) {
    try {
      return Files.exists(d.resolve(name), LinkOption.NOFOLLOW_LINKS);
    } catch (InvalidPathException e) {
      return false; // the JVM's file name encoding (LANG unset or C) cannot even encode the name back
    }
  }
}
