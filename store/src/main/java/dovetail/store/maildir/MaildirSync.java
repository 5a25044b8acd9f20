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
 * {@link #refresh(boolean)}. Not thread-safe: the folder's mutex guards it. When cur/ and new/ are listed
 * again: see {@link CurNewListing}.
 */
final class MaildirSync {
  private final Path dir;
  private final Consumer<String> warnings;
  private final UidlistReader uidlist;
  private final CurNewListing listing;
  private final KeywordsReader keywords;

  // what the view was built from: a full rebuild when anything but appends changed
  private boolean viewStale = true;
  /** The uidlist's {@link UidlistReader#generation()} that the view was built from. */
  private int viewUidlistGeneration = -1;
  /** The listing's {@link CurNewListing#generation()} that the view was built from. */
  private int viewListingGeneration = -1;
  /** The keywords' {@link KeywordsReader#generation()} that the view was built from. */
  private int viewKeywordsGeneration = -1;
  private int fullRebuilds;
  private int entriesBuilt;
  private int viewRecords;
  private final List<String> filesAdded = new ArrayList<>();

  private final Map<String, Instant> dates = new HashMap<>();
  private final Map<String, Long> virtualSizes = new HashMap<>();
  private TreeMap<Long, Entry> view = new TreeMap<>();
  /** The view's messages as an unmodifiable list, made once per change of the view (null: to be made). */
  private List<StoredMessage> messages;

  /** One visible message: its record, where its file is, and what clients see. */
  record Entry(UidlistRecord record, String relativePath, StoredMessage message) {}

  MaildirSync(Path dir, Consumer<String> warnings) {
    this.dir = dir;
    this.warnings = warnings;
    this.uidlist = new UidlistReader(dir, warnings);
    this.listing = new CurNewListing(dir, warnings, base -> {
      UidlistRecord recorded = uidlist.recordOf(base);
      return recorded != null ? recorded.baseName() : base;
    });
    this.keywords = new KeywordsReader(dir);
  }

  /** Re-reads what changed. {@code force} rescans the directories even when their mtimes look unchanged. */
  void refresh(boolean force) {
    uidlist.read();
    listing.scan(force);
    keywords.read();
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
    return listing.directoryListings();
  }

  MaildirKeywords keywords() {
    return keywords.keywords();
  }

  /** max(N, highest record UID + 1), as Dovecot computes it. */
  long effectiveNextUid() {
    return uidlist.effectiveNextUid();
  }

  /** Files in cur/ or new/ that no record names. */
  List<String> unrecordedFiles() {
    updateView();
    if (listing.size() <= view.size() && view.size() == uidlist.recordedBaseNames()) {
      return List.of(); // every file is in the view, so every file has a record
    }
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> f : listing.files().entrySet()) {
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
      if (listing.fileOf(r.baseName()) == null) {
        out.add(r);
      }
    }
    return out;
  }

  /** The current relative path ("cur/…" or "new/…") of a base name, or null. */
  String fileOf(String baseName) {
    return listing.fileOf(baseName);
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
    return uidlist.adoptTrailingFragment(base -> listing.fileOf(base) != null || interruptedSave.test(base));
  }

  /** Forget the uidlist so the next refresh reads it whole (after we replaced it). */
  void invalidateUidlist() {
    uidlist.invalidate();
  }

  void invalidateDirectories() {
    listing.invalidate();
  }

  /** Our own renames in cur/ (new messages, flag changes): see {@link CurNewListing#noteOwnRenames}. */
  void noteOwnRenames(Map<String, String> removedBaseToPath, Map<String, String> addedBaseToPath, long curMtimeBefore) {
    uidlist.read();
    listing.noteOwnRenames(removedBaseToPath, addedBaseToPath, curMtimeBefore);
    filesAdded.addAll(addedBaseToPath.keySet());
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
    keywords.read();
    return true;
  }

  /** The mtime we gave a file we saved, so that building its view entry needs no stat. */
  void noteOwnDate(String baseName, Instant date) {
    dates.put(baseName, date);
  }

  long curMtime() {
    return listing.curMtime();
  }

  /** Rebuilds the view when anything but appends changed; otherwise adds the appended records and files. */
  private void updateView() {
    if (viewStale || uidlist.generation() != viewUidlistGeneration || listing.generation() != viewListingGeneration
        || keywords.generation() != viewKeywordsGeneration) {
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
    String rel = listing.fileOf(r.baseName());
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
      String rel = listing.fileOf(r.baseName());
      if (rel == null) {
        continue;
      }
      // Other keywords may give an entry's letters other names: none is reused as it is.
      Entry old = keywords.generation() != viewKeywordsGeneration ? null : view.get(r.uid());
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
    viewRecords = records.size();
    filesAdded.clear();
    viewStale = false;
    viewUidlistGeneration = uidlist.generation();
    viewListingGeneration = listing.generation();
    viewKeywordsGeneration = keywords.generation();
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
    Flags flags = Flags.of(system, keywords.keywords().namesOf(letters));
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

  /** A file's mtime in milliseconds, or -1 when it does not exist. */
  static long mtime(Path p) {
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
