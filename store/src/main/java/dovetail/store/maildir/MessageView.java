package dovetail.store.maildir;

import dovetail.store.Flags;
import dovetail.store.StoredMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The messages that clients see in one folder, by UID: each uidlist record whose file is listed, with its flags (from
 * the file name and dovecot-keywords), date and sizes. Brought up to date when it is read, not by each change: a
 * writer that never reads it (a migration commits a folder's messages and moves on) never builds it. Appended records
 * and the files of our own saves are added to it; any other change of what it was built from rebuilds it, reusing the
 * entries that did not change. Not thread-safe: the folder's mutex guards it.
 */
final class MessageView {
  private final Path dir;
  private final UidlistReader uidlist;
  private final CurNewListing listing;
  private final KeywordsReader keywords;

  // the generations of the records, the listing and the keywords that the view was built from
  private int uidlistGeneration = -1;
  private int listingGeneration = -1;
  private int keywordsGeneration = -1;
  /** How many records, in file order, the view has taken in. */
  private int viewRecords;
  /** Base names of the files our own renames added to the listing since the view last took them in. */
  private final List<String> filesAdded = new ArrayList<>();
  private int fullRebuilds;
  private int entriesBuilt;

  private final Map<String, Instant> dates = new HashMap<>();
  private final Map<String, Long> virtualSizes = new HashMap<>();
  private TreeMap<Long, MaildirSync.Entry> view = new TreeMap<>();
  /** The view's messages as an unmodifiable list, made once per change of the view (null: to be made). */
  private List<StoredMessage> messages;

  /** Under the folder's mutex: lists the directories again and gives the current path of a base name, or null. */
  private final UnaryOperator<String> relistedFileOf;

  MessageView(Path dir, UidlistReader uidlist, CurNewListing listing, KeywordsReader keywords,
      UnaryOperator<String> relistedFileOf) {
    this.dir = dir;
    this.uidlist = uidlist;
    this.listing = listing;
    this.keywords = keywords;
    this.relistedFileOf = relistedFileOf;
  }

  /** The visible messages by UID, brought up to date. */
  TreeMap<Long, MaildirSync.Entry> entries() {
    update();
    return view;
  }

  /**
   * The view's messages in UID order, unmodifiable. The same instance while the view does not change, so a
   * caller may tell "nothing changed" by identity, and a read of an unchanged folder copies nothing.
   */
  List<StoredMessage> messages() {
    update();
    if (messages == null) {
      List<StoredMessage> out = new ArrayList<>(view.size());
      for (MaildirSync.Entry e : view.values()) {
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

  /** Files that our own renames just added to the listing: taken in by the next read without a rebuild. */
  void noteFilesAdded(Collection<String> baseNames) {
    filesAdded.addAll(baseNames);
  }

  /** The mtime we gave a file we saved, so that building its view entry needs no stat. */
  void noteOwnDate(String baseName, Instant date) {
    dates.put(baseName, date);
  }

  /** Rebuilds the view when anything but appends changed; otherwise adds the appended records and files. */
  private void update() {
    if (uidlist.generation() != uidlistGeneration || listing.generation() != listingGeneration
        || keywords.generation() != keywordsGeneration) {
      rebuild();
      return;
    }
    List<UidlistRecord> records = uidlist.records();
    for (int i = viewRecords; i < records.size(); i++) {
      add(records.get(i));
    }
    viewRecords = records.size();
    for (String base : filesAdded) {
      UidlistRecord r = uidlist.recordOf(base);
      if (r != null) {
        add(r);
      }
    }
    filesAdded.clear();
  }

  private void add(UidlistRecord r) {
    String rel = listing.fileOf(r.baseName());
    if (rel == null) {
      return;
    }
    MaildirSync.Entry old = view.get(r.uid());
    if (old != null && old.record().equals(r) && old.relativePath().equals(rel)) {
      return;
    }
    StoredMessage m = toMessage(r, rel, old);
    if (m != null) {
      view.put(r.uid(), new MaildirSync.Entry(r, rel, m));
      messages = null;
      entriesBuilt++;
    }
  }

  private void rebuild() {
    List<UidlistRecord> records = uidlist.records();
    TreeMap<Long, MaildirSync.Entry> next = new TreeMap<>();
    for (UidlistRecord r : records) {
      String rel = listing.fileOf(r.baseName());
      if (rel == null) {
        continue;
      }
      MaildirSync.Entry old = view.isEmpty() ? null : view.get(r.uid());
      // Other keywords may give an entry's letters other names: none is reused as it is then.
      if (old != null && keywords.generation() == keywordsGeneration && old.record().equals(r)
          && old.relativePath().equals(rel)) {
        next.put(r.uid(), old);
        continue;
      }
      StoredMessage m = toMessage(r, rel, old);
      if (m != null) {
        next.put(r.uid(), new MaildirSync.Entry(r, rel, m));
        entriesBuilt++;
      }
    }
    view = next;
    messages = null;
    fullRebuilds++;
    viewRecords = records.size();
    filesAdded.clear();
    uidlistGeneration = uidlist.generation();
    listingGeneration = listing.generation();
    keywordsGeneration = keywords.generation();
  }

  /** The message of a record whose file is at {@code rel} ("cur/…"); null when that file is gone. */
  StoredMessage toMessage(UidlistRecord r, String rel) {
    return toMessage(r, rel, null);
  }

  /**
   * As {@link #toMessage(UidlistRecord, String)}; {@code before} is the view's entry of that UID (or null), whose date
   * is kept if it was read. With the sizes in the name (or the record), the date is read on first use, not here: a
   * SELECT needs none (Dovecot stats a file for its date on demand too).
   */
  private StoredMessage toMessage(UidlistRecord r, String rel, MaildirSync.Entry before) {
    String fileName = rel.substring(rel.indexOf('/') + 1);
    Flags flags = keywords.keywords().flagsOf(MaildirFilename.flagLetters(fileName));
    Instant date = dates.get(r.baseName());
    if (date == null && before != null && before.record().baseName().equals(r.baseName())) {
      date = before.message().knownInternalDate();
    }
    long size = MaildirFilename.sizeField(r.baseName(), 'S');
    if (size < 0) {
      size = parseLong(r.extension('S'));
    }
    Path file = null; // resolved only when the file must be read: our own saves need neither stat nor read
    try {
      if (size < 0) {
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
      throw MaildirSync.io("cannot stat " + file, e);
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
    String g = guid == null || guid.isEmpty() ? r.baseName() : guid;
    long order = Math.max(0, parseLong(r.extension('O')));
    if (date == null) {
      return StoredMessage.withDateOnUse(r.uid(), flags, new FileDate(r.baseName(), rel), size, vsize, r.extension('P'),
          order, g, r.baseName());
    }
    return new StoredMessage(r.uid(), flags, date, size, vsize, r.extension('P'), order, g, r.baseName());
  }

  /**
   * A message's INTERNALDATE, its file's mtime, read when first asked for, from any thread: a stat of the path the
   * view had; if the file was renamed since (another writer changed its flags), of the path a new listing gives
   * (under the folder's mutex). A file gone meanwhile (expunged by another writer) has the time its name begins
   * with (Dovecot's file names start with the delivery's seconds), else the epoch.
   */
  private final class FileDate implements Supplier<Instant> {
    private final String baseName;
    private final String rel;

    FileDate(String baseName, String rel) {
      this.baseName = baseName;
      this.rel = rel;
    }

    @Override
    public Instant get() {
      Instant date = mtime(rel);
      if (date == null) {
        String now = relistedFileOf.apply(baseName);
        date = now != null ? mtime(now) : null;
      }
      return date != null ? date : Instant.ofEpochSecond(MaildirFilename.leadingSeconds(baseName));
    }

    private Instant mtime(String relative) {
      Path file = dir.resolve(relative);
      try {
        return Instant.ofEpochSecond(Files.getLastModifiedTime(file).toMillis() / 1000);
      } catch (NoSuchFileException e) {
        return null;
      } catch (IOException e) {
        throw MaildirSync.io("cannot stat " + file, e);
      }
    }
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
}
