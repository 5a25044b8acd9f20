package dovetail.store.maildir;

import dovetail.store.Flags;
import dovetail.store.StoreError;
import dovetail.store.StoreException;
import dovetail.store.StoredMessage;
import dovetail.store.SystemFlag;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Keeps one folder's in-memory picture of the disk (maildir-sync.c plus maildir-uidlist.c reading): the
 * uidlist, read incrementally while it only grows, and the cur/ and new/ listings, rescanned when a
 * directory changed. It only reads; writers (MaildirFolder) change the disk under the lock and then call
 * {@link #refresh(boolean)}. Not thread-safe: the folder's mutex guards it.
 *
 * <p>When cur/ and new/ are listed again (Dovecot's bound, maildir-sync.c): a directory's mtime tells
 * that someone changed it, except for a change in the same clock tick as the mtime we already know. So
 * a read lists them when an mtime differs from the one we last listed or caused ourselves; and while
 * the directories are "dirty" (an mtime was within {@link #DIRTY_WINDOW_MILLIS} of the listing, or our
 * own renames set it) at most once per {@link #DIRTY_RELIST_MILLIS}, so another writer's change in the
 * same tick as ours shows up within about a second. Our own renames, appends and expunges update the
 * listing directly and never by themselves make a read list the directories. {@code refresh(true)} lists
 * them unconditionally, for callers that need certainty (a file renamed under us: look again).
 */
final class MaildirSync {
  /**
   * Directory mtimes this recent may hide a change in the same clock tick (Linux file times follow the
   * coarse clock, a few milliseconds a tick): rescan such a directory next time too.
   */
  private static final long DIRTY_WINDOW_MILLIS = 100;
  /** A dirty directory (see the class comment) is listed again at most this often (MAILDIR_SYNC_SECS). */
  private static final long DIRTY_RELIST_MILLIS = 1_000;
  /** Lock-free writers (Dovecot renames files to change flags) are caught by a full rescan this often. */
  private static final long FULL_SCAN_EVERY_MILLIS = 10_000;

  private final Path dir;
  private final Consumer<String> warnings;
  private final UidlistReader uidlist;

  // cur/ and new/ as last listed: base name -> "cur/<file name>"
  private long curMtime = -1;
  private long newMtime = -1;
  private Map<String, String> files = new HashMap<>();
  private long lastListing;
  /** cur/ or new/ may hide a change that we have not listed (see the class comment). */
  private boolean dirty = true;

  // what the view was built from: a full rebuild when anything but appends changed
  private boolean viewStale = true;
  /** The uidlist's {@link UidlistReader#generation()} that the view was built from. */
  private int viewUidlistGeneration = -1;
  /** dovecot-keywords changed since the view was built: no entry may be reused as it is. */
  private boolean keywordsChanged;
  private int fullRebuilds;
  private int entriesBuilt;
  private int directoryListings;
  private int viewRecords;
  private final List<String> filesAdded = new ArrayList<>();

  private MaildirKeywords keywords;
  /** The file as last read: {@link #keywords} may gain letters in memory before the file is rewritten. */
  private MaildirKeywords keywordsAsRead;
  private long keywordsMtime = -1;

  private final Map<String, Instant> dates = new HashMap<>();
  private final Map<String, Long> virtualSizes = new HashMap<>();
  /** Files skipped for their names, each told once. */
  private final Set<String> ignoredNames = new HashSet<>();
  private TreeMap<Long, Entry> view = new TreeMap<>();
  /** The view's messages as an unmodifiable list, made once per change of the view (null: to be made). */
  private List<StoredMessage> messages;

  /** One visible message: its record, where its file is, and what clients see. */
  record Entry(UidlistRecord record, String relativePath, StoredMessage message) {}

  MaildirSync(Path dir, Consumer<String> warnings) {
    this.dir = dir;
    this.warnings = warnings;
    this.uidlist = new UidlistReader(dir, warnings);
  }

  /** Re-reads what changed. {@code force} rescans the directories even when their mtimes look unchanged. */
  void refresh(boolean force) {
    uidlist.read();
    scanDirectories(force);
    readKeywords();
  }

  /** Re-reads the uidlist only (its header and new records); the directories wait for the next refresh. */
  UidlistHeader refreshUidlist() {
    uidlist.read();
    return uidlist.header();
  }

  UidlistHeader header() {
    return uidlist.header();
  }

  List<UidlistRecord> records() {
    return uidlist.records();
  }

  /**
   * The visible messages by UID. The view is brought up to date here, when it is read, not by each change: a
   * writer that never reads it (a migration commits a folder's messages and moves on) never builds it.
   */
  TreeMap<Long, Entry> view() {
    updateView();
    return view;
  }

  /**
   * The view's messages in UID order, unmodifiable. The same instance while the view does not change, so a
   * caller may tell "nothing changed" by identity, and a read of an unchanged folder copies nothing.
   */
  List<StoredMessage> messages() {
    updateView();
    if (messages == null) {
      List<StoredMessage> out = new ArrayList<>(view.size());
      for (Entry e : view.values()) {
        out.add(e.message());
      }
      messages = Collections.unmodifiableList(out);
    }
    return messages;
  }

  /** How often the whole view was rebuilt (a read of an unchanged folder must not rebuild it). */
  int fullRebuilds() {
    return fullRebuilds;
  }

  /** How many view entries were made (a commit builds none; the next read of the view builds them). */
  int entriesBuilt() {
    return entriesBuilt;
  }

  /** How often cur/ and new/ were listed (a commit after our own must not list them). */
  int directoryListings() {
    return directoryListings;
  }

  MaildirKeywords keywords() {
    return keywords;
  }

  /** max(N, highest record UID + 1), as Dovecot computes it. */
  long effectiveNextUid() {
    return uidlist.effectiveNextUid();
  }

  /** Files in cur/ or new/ that no record names. */
  List<String> unrecordedFiles() {
    updateView();
    if (files.size() <= view.size() && view.size() == uidlist.recordedBaseNames()) {
      return List.of(); // every file is in the view, so every file has a record
    }
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> f : files.entrySet()) {
      if (uidlist.recordOf(f.getKey()) == null) {
        out.add(f.getValue());
      }
    }
    return out;
  }

  /** Records whose file is in neither cur/ nor new/. */
  List<UidlistRecord> recordsWithoutFiles() {
    updateView();
    if (view.size() == uidlist.records().size()) {
      return List.of(); // every record is in the view, so every record has its file
    }
    List<UidlistRecord> out = new ArrayList<>();
    for (UidlistRecord r : uidlist.records()) {
      if (!files.containsKey(r.baseName())) {
        out.add(r);
      }
    }
    return out;
  }

  /** The current relative path ("cur/…" or "new/…") of a base name, or null. */
  String fileOf(String baseName) {
    return files.get(baseName);
  }

  /** True when the uidlist ends in a line without LF (an append cut short, or written by a careless tool). */
  boolean hasTrailingFragment() {
    return uidlist.hasTrailingFragment();
  }

  /**
   * Reads the trailing fragment as a record if it is a whole, valid one whose file exists (only the LF is
   * missing), or one that {@code interruptedSave} recognises as the cut last record of a commit whose files are
   * still in tmp/ (so that it is undone with the rest of that commit); adds it to the records and returns it, or
   * null when the fragment is dropped.
   */
  UidlistRecord adoptTrailingFragment(Predicate<String> interruptedSave) {
    return uidlist.adoptTrailingFragment(base -> files.containsKey(base) || interruptedSave.test(base));
  }

  /** Forget the uidlist so the next refresh reads it whole (after we replaced it). */
  void invalidateUidlist() {
    uidlist.invalidate();
  }

  void invalidateDirectories() {
    curMtime = -1;
    newMtime = -1;
  }

  /**
   * Our own renames in cur/ (new messages, flag changes), applied without listing the directory again.
   * If nobody else changed cur/ since our last listing (its mtime is still the one we listed), the new
   * mtime is taken as listed, and the directory is dirty (another writer may have renamed in the same
   * tick): it is listed again within {@link #DIRTY_RELIST_MILLIS}. Otherwise the next refresh lists cur/.
   *
   * @param curMtimeBefore cur/'s mtime read (under the lock) just before our renames
   */
  void noteOwnRenames(Map<String, String> removedBaseToPath, Map<String, String> addedBaseToPath, long curMtimeBefore) {
    uidlist.read();
    for (Map.Entry<String, String> e : removedBaseToPath.entrySet()) {
      files.remove(e.getKey(), e.getValue());
      if (!addedBaseToPath.containsKey(e.getKey())) {
        viewStale = true; // a message left; a renamed one is replaced in place below
      }
    }
    for (Map.Entry<String, String> e : addedBaseToPath.entrySet()) {
      files.put(e.getKey(), e.getValue());
      filesAdded.add(e.getKey());
    }
    long after = mtime(dir.resolve("cur"));
    curMtime = curMtime != -1 && curMtime == curMtimeBefore ? after : -1;
    dirty = true; // a lockless rename in the same tick as ours leaves no trace in the mtime
  }

  /** See {@link UidlistReader#noteOwnAppend}. */
  void noteOwnAppend(List<UidlistRecord> appended, int bytes) {
    uidlist.noteOwnAppend(appended, bytes);
  }

  /** See {@link UidlistReader#noteOwnRewrite}. */
  void noteOwnRewrite(UidlistHeader written, List<UidlistRecord> kept, byte[] data) {
    uidlist.noteOwnRewrite(written, kept, data);
  }

  /** See {@link UidlistReader#recordLines}. */
  byte[] recordLines() {
    return uidlist.recordLines();
  }

  /** True when the uidlist as read has a version 3 header (false for a version 1 one, or none). */
  boolean isVersion3() {
    return uidlist.isVersion3();
  }

  /** Remembers the uidlist as it is right after our own commit (called with the write lock held). */
  void noteOwnCommit() {
    uidlist.noteOwnCommit();
  }

  /**
   * For a save commit, with the write lock held: if nobody changed the uidlist since our own last commit
   * appended to it, nobody else committed, crashed mid-commit or rewrote it in between, so the directories
   * need no listing (Dovecot's save also syncs the uidlist only, MAILDIR_UIDLIST_SYNC_PARTIAL). Returns
   * false when a full sync is needed. Without this a commit lists cur/ each time (our own renames keep its
   * mtime within the dirty window), which makes a folder's migration quadratic in its size.
   */
  boolean refreshAfterOwnCommit() {
    if (!uidlist.unchangedSinceOwnCommit()) {
      return false;
    }
    readKeywords();
    return true;
  }

  /** The mtime we gave a file we saved, so that building its view entry needs no stat. */
  void noteOwnDate(String baseName, Instant date) {
    dates.put(baseName, date);
  }

  long curMtime() {
    return mtime(dir.resolve("cur"));
  }

  private void scanDirectories(boolean force) {
    long cur = mtime(dir.resolve("cur"));
    long neu = mtime(dir.resolve("new"));
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
      viewStale = true;
    }
  }

  private void list(String sub, Map<String, String> into) {
    Path d = dir.resolve(sub);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(d)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) {
          continue; // Dovecot skips dot files in cur/ and new/
        }
        if (unusableName(d, name)) {
          continue;
        }
        String base = MaildirFilename.baseName(name);
        UidlistRecord recorded = uidlist.recordOf(base);
        // The record's string as the key when there is one: one copy of each base name in memory, not two.
        into.put(recorded != null ? recorded.baseName() : base, sub + "/" + name);
      }
    } catch (NoSuchFileException e) {
      // a missing new/ is harmless; a missing cur/ is repaired when the folder is opened
    } catch (IOException e) {
      throw io("cannot list " + d, e);
    }
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

  /** Rereads dovecot-keywords if it may have changed; a real change makes the view stale. */
  private void readKeywords() {
    long m = mtime(dir.resolve(MaildirKeywords.FILE));
    boolean stillMissing = m == -1 && keywordsMtime == -1;
    if (keywords != null && m == keywordsMtime && (stillMissing || System.currentTimeMillis() - m > DIRTY_WINDOW_MILLIS)) {
      return; // unchanged, or still absent: no reread and no rebuild of the view
    }
    MaildirKeywords read = MaildirKeywords.read(dir);
    keywordsMtime = m;
    // A recent file is reread each time (its mtime may hide a change), but only a change rebuilds the view.
    if (!read.sameAs(keywordsAsRead)) {
      viewStale = true;
      keywordsChanged = true;
    }
    keywordsAsRead = read.copy();
    keywords = read;
  }

  /** Rebuilds the view when anything but appends changed; otherwise adds the appended records and files. */
  private void updateView() {
    if (viewStale || uidlist.generation() != viewUidlistGeneration) {
      rebuildView();
      return;
    }
    List<UidlistRecord> records = uidlist.records();
    for (int i = viewRecords; i < records.size(); i++) {
      addToView(records.get(i));
    }
    viewRecords = records.size();
    for (String base : filesAdded) {
      UidlistRecord r = uidlist.recordOf(base);
      if (r != null) {
        addToView(r);
      }
    }
    filesAdded.clear();
  }

  private void addToView(UidlistRecord r) {
    String rel = files.get(r.baseName());
    if (rel == null) {
      return;
    }
    Entry old = view.get(r.uid());
    if (old != null && old.record().equals(r) && old.relativePath().equals(rel)) {
      return;
    }
    StoredMessage m = toMessage(r, rel);
    if (m != null) {
      view.put(r.uid(), new Entry(r, rel, m));
      messages = null;
      entriesBuilt++;
    }
  }

  private void rebuildView() {
    List<UidlistRecord> records = uidlist.records();
    TreeMap<Long, Entry> next = new TreeMap<>();
    for (UidlistRecord r : records) {
      String rel = files.get(r.baseName());
      if (rel == null) {
        continue;
      }
      Entry old = keywordsChanged ? null : view.get(r.uid());
      if (old != null && old.record().equals(r) && old.relativePath().equals(rel)) {
        next.put(r.uid(), old);
        continue;
      }
      StoredMessage m = toMessage(r, rel);
      if (m != null) {
        next.put(r.uid(), new Entry(r, rel, m));
        entriesBuilt++;
      }
    }
    view = next;
    messages = null;
    fullRebuilds++;
    keywordsChanged = false;
    viewRecords = records.size();
    filesAdded.clear();
    viewStale = false;
    viewUidlistGeneration = uidlist.generation();
  }

  /** The message of a record whose file is at {@code rel} ("cur/…"); null when that file is gone. */
  StoredMessage toMessage(UidlistRecord r, String rel) {
    String fileName = rel.substring(rel.indexOf('/') + 1);
    String letters = MaildirFilename.flagLetters(fileName);
    Set<SystemFlag> system = EnumSet.noneOf(SystemFlag.class);
    for (char c : letters.toCharArray()) {
      SystemFlag f = SystemFlag.ofLetter(c);
      if (f != null) {
        system.add(f);
      }
    }
    Flags flags = Flags.of(system, keywords.namesOf(letters));
    Instant date = dates.get(r.baseName());
    long size = MaildirFilename.sizeField(r.baseName(), 'S');
    if (size < 0) {
      size = parseLong(r.extension('S'));
    }
    Path file = null; // resolved only when the file must be read: our own saves need neither stat nor read
    try {
      if (date == null || size < 0) {
        file = dir.resolve(rel);
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        date = Instant.ofEpochSecond(a.lastModifiedTime().toMillis() / 1000);
        dates.put(r.baseName(), date);
        if (size < 0) {
          size = a.size();
        }
      }
    } catch (NoSuchFileException e) {
      return null; // renamed or expunged since the listing: the next refresh sees it
    } catch (IOException e) {
      throw io("cannot stat " + file, e);
    }
    long vsize = MaildirFilename.sizeField(r.baseName(), 'W');
    if (vsize < 0) {
      vsize = parseLong(r.extension('W'));
    }
    if (vsize < 0) {
      Path path = file != null ? file : dir.resolve(rel);
      vsize = virtualSizes.computeIfAbsent(r.baseName(), b -> countVirtualSize(path));
    }
    String guid = r.extension('G');
    return new StoredMessage(r.uid(), flags, date, size, vsize, r.extension('P'), Math.max(0, parseLong(r.extension('O'))),
        guid == null || guid.isEmpty() ? r.baseName() : guid, r.baseName());
  }

  /** The virtual size (CRLF line ends) of the file at {@code rel} ("new/…"): its W= field, else counted; -1 when gone. */
  long virtualSizeOf(String rel) {
    String base = MaildirFilename.baseName(rel.substring(rel.indexOf('/') + 1));
    long vsize = MaildirFilename.sizeField(base, 'W');
    if (vsize >= 0) {
      return vsize;
    }
    try {
      return virtualSizes.computeIfAbsent(base, b -> countVirtualSize(dir.resolve(rel)));
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof NoSuchFileException) {
        return -1; // moved or expunged since the listing
      }
      throw e;
    }
  }

  private static long countVirtualSize(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      SizeCounter counter = new SizeCounter();
      byte[] buf = new byte[65536];
      int n;
      while ((n = in.read(buf)) > 0) {
        counter.update(buf, 0, n);
      }
      return counter.virtualSize();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long parseLong(String s) {
    if (s == null || s.isEmpty()) {
      return -1;
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static long mtime(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (NoSuchFileException e) {
      return -1;
    } catch (IOException e) {
      throw io("cannot stat " + p, e);
    }
  }

  /** An I/O failure as the store's error; one without a message (ClosedByInterruptException) by its kind. */
  static StoreException io(String what, IOException e) {
    String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    return new StoreException(StoreError.IO, what + ": " + why, e);
  }
}
