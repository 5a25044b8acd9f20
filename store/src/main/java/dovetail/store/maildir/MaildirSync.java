package dovetail.store.maildir;

import dovetail.store.StoreError;
import dovetail.store.StoreException;
import dovetail.store.StoredMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Keeps one folder's in-memory picture of the disk (maildir-sync.c plus maildir-uidlist.c reading), and is what the
 * folder and its saves talk to: the uidlist ({@link UidlistReader}), read incrementally while it only grows, the cur/
 * and new/ listings ({@link CurNewListing}), rescanned when a directory changed, dovecot-keywords
 * ({@link KeywordsReader}), and the messages built from them ({@link MessageView}). It only reads; writers
 * (MaildirFolder) change the disk under the lock and then call {@link #refresh(boolean)}. Not thread-safe: the
 * folder's mutex guards it.
 */
final class MaildirSync {
  private final UidlistReader uidlist;
  private final CurNewListing listing;
  private final KeywordsReader keywords;
  private final MessageView view;

  /** One visible message: its record, where its file is, and what clients see. */
  record Entry(UidlistRecord record, String relativePath, StoredMessage message) {}

  /**
   * @param relistedFileOf under the folder's mutex, {@link #refresh refresh(true)} and {@link #fileOf}: how a date read
   *     on use finds a file renamed since the view was built
   */
  MaildirSync(Path dir, Consumer<String> warnings, UnaryOperator<String> relistedFileOf) {
    this.uidlist = new UidlistReader(dir, warnings);
    this.listing = new CurNewListing(dir, warnings, base -> {
      UidlistRecord recorded = uidlist.recordOf(base);
      return recorded != null ? recorded.baseName() : base;
    });
    this.keywords = new KeywordsReader(dir);
    this.view = new MessageView(dir, uidlist, listing, keywords, relistedFileOf);
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

  /** The visible messages by UID: see {@link MessageView}. */
  TreeMap<Long, Entry> view() {
    return view.entries();
  }

  /** See {@link MessageView#messages()}. */
  List<StoredMessage> messages() {
    return view.messages();
  }

  /** How often the whole view was rebuilt (a read of an unchanged folder must not rebuild it). */
  int fullRebuilds() {
    return view.fullRebuilds();
  }

  /** How many view entries were made (a commit builds none; the next read of the view builds them). */
  int entriesBuilt() {
    return view.entriesBuilt();
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
    TreeMap<Long, Entry> entries = view.entries();
    if (listing.size() <= entries.size() && entries.size() == uidlist.recordedBaseNames()) {
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
    if (view.entries().size() == uidlist.records().size()) {
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
    view.noteFilesAdded(addedBaseToPath.keySet());
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
    view.noteOwnDate(baseName, date);
  }

  long curMtime() {
    return listing.curMtime();
  }

  /** The message of a record whose file is at {@code rel} ("cur/…"); null when that file is gone. */
  StoredMessage toMessage(UidlistRecord r, String rel) {
    return view.toMessage(r, rel);
  }

  /** The virtual size (CRLF line ends) of the file at {@code rel} ("new/…"): its W= field, else counted; -1 when gone. */
  long virtualSizeOf(String rel) {
    return view.virtualSizeOf(rel);
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

  /**
   * An I/O failure as the store's error; one without a message by its kind, and an interrupted thread's as such (the
   * cap of a server's stop; walk-through 18, F3: "cannot lock ...: null").
   */
  static StoreException io(String what, IOException e) {
    String why = e instanceof java.nio.channels.ClosedByInterruptException ? "interrupted (the process is stopping?)"
        : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    return new StoreException(StoreError.IO, what + ": " + why, e);
  }
}
