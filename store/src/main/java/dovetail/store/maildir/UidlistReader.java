package dovetail.store.maildir;

import dovetail.store.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One folder's dovecot-uidlist as last read (the reading side of maildir-uidlist.c): its header and records, read
 * incrementally while the file only grows, and whole when it was replaced. Our own appends and rewrites are taken as
 * read when the file shows that nobody else wrote in between, so that a commit does not read back what it wrote.
 * Not thread-safe: the folder's mutex guards it.
 */
final class UidlistReader {
  private final Path uidlistPath;
  private final Consumer<String> warnings;

  private Object uidlistKey;
  private long uidlistSize = -1;
  private long uidlistMtime;
  /** (inode, size, mtime) of the uidlist right after our own last commit appended to it, else null. */
  private Object ownKey;
  private long ownSize = -1;
  private long ownMtime;
  private String headerLine;
  private int consumed;
  private int nextLineNumber;
  private UidlistHeader header;
  private final List<UidlistRecord> records = new ArrayList<>();
  private final List<UidlistRecord> recordsReadOnly = Collections.unmodifiableList(records);
  private final Map<String, UidlistRecord> recordsByBase = new HashMap<>();
  /** Counts the changes of {@link #records} other than appends at its end (see {@link #generation()}). */
  private int generation;

  UidlistReader(Path dir, Consumer<String> warnings) {
    this.uidlistPath = dir.resolve("dovecot-uidlist");
    this.warnings = warnings;
  }

  UidlistHeader header() {
    return header;
  }

  /** The records in file order, read-only; the list follows later reads. */
  List<UidlistRecord> records() {
    return recordsReadOnly;
  }

  /** The record of a base name, or null. */
  UidlistRecord recordOf(String baseName) {
    return recordsByBase.get(baseName);
  }

  /** How many base names have a record. */
  int recordedBaseNames() {
    return recordsByBase.size();
  }

  /**
   * Grows with every change of the records other than records appended at the end (the file replaced or gone, a
   * duplicate dropped): what was built from the records by following appends must then be built again.
   */
  int generation() {
    return generation;
  }

  /** max(N, highest record UID + 1), as Dovecot computes it. */
  long effectiveNextUid() {
    long last = records.isEmpty() ? 0 : records.get(records.size() - 1).uid();
    return Math.max(header == null ? 1 : header.nextUid(), last + 1);
  }

  /** True when the uidlist ends in a line without LF (an append cut short, or written by a careless tool). */
  boolean hasTrailingFragment() {
    return header != null && uidlistSize > consumed;
  }

  /**
   * Reads the trailing fragment as a record if it is a whole, valid one that {@code worthKeeping} accepts by its base
   * name; adds it to the records and returns it, or null when the fragment is dropped.
   */
  UidlistRecord adoptTrailingFragment(Predicate<String> worthKeeping) {
    byte[] data = readAll(uidlistPath);
    byte[] fragment = Arrays.copyOfRange(data, Math.min(consumed, data.length), data.length);
    byte[] line = Arrays.copyOf(fragment, fragment.length + 1);
    line[fragment.length] = '\n';
    long lastUid = records.isEmpty() ? 0 : records.get(records.size() - 1).uid();
    List<UidlistRecord> parsed = new ArrayList<>();
    try {
      Uidlist.parseAppended(line, 0, nextLineNumber, lastUid, parsed, uidlistPath.toString(), warnings);
    } catch (StoreException e) {
      warnings.accept(uidlistPath + ": dropping an unreadable last line without LF: '"
          + new String(fragment, StandardCharsets.UTF_8) + "' (" + e.getMessage() + ")");
      return null;
    }
    if (parsed.size() != 1 || !worthKeeping.test(parsed.get(0).baseName())) {
      warnings.accept(uidlistPath + ": dropping a last line without LF that names no file: '"
          + new String(fragment, StandardCharsets.UTF_8) + "'");
      return null;
    }
    addRecord(parsed.get(0));
    warnings.accept(uidlistPath + ": kept UID " + parsed.get(0).uid() + " from a last line that lacked its LF");
    return parsed.get(0);
  }

  /** Forget the uidlist so the next read reads it whole (after we replaced it). */
  void invalidate() {
    uidlistKey = null;
    uidlistSize = -1;
  }

  /**
   * Our own records, just appended to the uidlist in {@code bytes} bytes (write lock held): taken as read when the
   * file grew by exactly those bytes since we last read it, so that the commit does not read back and parse what it
   * wrote. Otherwise (someone else wrote too, or we never read it whole) the next read of the uidlist finds them.
   */
  void noteOwnAppend(List<UidlistRecord> appended, int bytes) {
    if (header == null || uidlistKey == null || uidlistSize != consumed) {
      return;
    }
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(uidlistPath, BasicFileAttributes.class);
    } catch (IOException e) {
      return; // the next read reports it
    }
    if (!uidlistKey.equals(attrs.fileKey()) || attrs.size() != uidlistSize + bytes) {
      return;
    }
    appended.forEach(this::addRecord);
    consumed += bytes;
    nextLineNumber += appended.size();
    uidlistSize = attrs.size();
    uidlistMtime = attrs.lastModifiedTime().toMillis();
  }

  /**
   * Our own rewrite of the uidlist, {@code data} with {@code written} and {@code kept}, just renamed into place
   * (write lock held): taken as read when the file there has its size, so that raising NEXTUID at the end of a
   * folder's migration does not read back and parse every record it wrote. Otherwise the next read reads it whole.
   */
  void noteOwnRewrite(UidlistHeader written, List<UidlistRecord> kept, byte[] data) {
    invalidate();
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(uidlistPath, BasicFileAttributes.class);
    } catch (IOException e) {
      return; // the next read reports it
    }
    if (attrs.fileKey() == null || attrs.size() != data.length) {
      return;
    }
    if (kept.size() != records.size()) { // kept is records without those whose file is gone
      records.clear();
      recordsByBase.clear();
      kept.forEach(this::addRecord);
      generation++;
    }
    header = written;
    headerLine = new String(data, 0, indexOf(data, (byte) '\n') + 1, StandardCharsets.UTF_8);
    consumed = data.length;
    nextLineNumber = 2 + kept.size(); // the header's line and one per record
    uidlistKey = attrs.fileKey();
    uidlistSize = data.length;
    uidlistMtime = attrs.lastModifiedTime().toMillis();
  }

  /**
   * The uidlist's record lines as the file holds them, when it is a version 3 file that we read to its end and whose
   * every line after the header is one of our records (no duplicate, no empty line); null otherwise. A rewrite that
   * only changes the header copies them instead of formatting every record again.
   */
  byte[] recordLines() {
    if (!isVersion3() || uidlistKey == null || uidlistSize != consumed || nextLineNumber != 2 + records.size()) {
      return null;
    }
    byte[] head = headerLine.getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(uidlistPath, StandardOpenOption.READ)) {
      Object key = Files.readAttributes(uidlistPath, BasicFileAttributes.class).fileKey();
      if (!uidlistKey.equals(key) || ch.size() != consumed || !Arrays.equals(readAt(ch, 0, head.length), head)) {
        return null;
      }
      byte[] lines = readAt(ch, head.length, consumed - head.length);
      return lines.length == consumed - head.length ? lines : null;
    } catch (IOException e) {
      return null; // the formatting rewrite reports real trouble
    }
  }

  /** True when the uidlist as read has a version 3 header (false for a version 1 one, or none). */
  boolean isVersion3() {
    return header != null && headerLine.startsWith("3 ");
  }

  /** Remembers the uidlist as it is right after our own commit (called with the write lock held). */
  void noteOwnCommit() {
    read();
    ownKey = hasTrailingFragment() ? null : uidlistKey;
    ownSize = uidlistSize;
    ownMtime = uidlistMtime;
  }

  /**
   * With the write lock held: true when the uidlist is still as our own last commit left it ({@link #noteOwnCommit})
   * and as we read it, so nobody else committed, crashed mid-commit or rewrote it in between. Good for one commit:
   * {@link #noteOwnCommit} arms it again once that commit is through.
   */
  boolean unchangedSinceOwnCommit() {
    Object key = ownKey;
    ownKey = null;
    if (key == null) {
      return false;
    }
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(uidlistPath, BasicFileAttributes.class);
    } catch (IOException e) {
      return false; // gone or unreadable: the full sync reports it
    }
    return key.equals(attrs.fileKey()) && attrs.size() == ownSize && attrs.lastModifiedTime().toMillis() == ownMtime
        && key.equals(uidlistKey) && ownSize == uidlistSize;
  }

  /** Reads what changed in the uidlist since the last read: nothing, the appended lines, or the whole file. */
  void read() {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(uidlistPath, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      if (header != null) {
        generation++;
      }
      header = null;
      records.clear();
      recordsByBase.clear();
      uidlistKey = null;
      uidlistSize = -1;
      return;
    } catch (IOException e) {
      throw MaildirSync.io("cannot stat " + uidlistPath, e);
    }
    Object key = attrs.fileKey();
    long size = attrs.size();
    long mtime = attrs.lastModifiedTime().toMillis();
    // The uidlist only grows in place or is replaced by rename, so (inode, size, mtime) tells every change.
    if (key != null && key.equals(uidlistKey) && size == uidlistSize && mtime == uidlistMtime) {
      return;
    }
    byte[] tail = key != null && key.equals(uidlistKey) && size >= consumed && header != null
        ? appendedTail() : null;
    int length;
    if (tail != null) {
      long lastUid = records.isEmpty() ? 0 : records.get(records.size() - 1).uid();
      List<UidlistRecord> added = new ArrayList<>();
      int used = Uidlist.parseAppended(tail, 0, nextLineNumber, lastUid, added, uidlistPath.toString(), warnings);
      nextLineNumber += countLines(tail, used);
      length = consumed + tail.length;
      consumed += used;
      added.forEach(this::addRecord);
    } else {
      byte[] data = readAll(uidlistPath);
      length = data.length;
      Uidlist.Parsed parsed = Uidlist.parse(data, uidlistPath.toString(), warnings);
      header = parsed.header();
      records.clear();
      recordsByBase.clear();
      parsed.records().forEach(this::addRecord);
      generation++;
      consumed = parsed.consumed();
      int lf = indexOf(data, (byte) '\n');
      headerLine = new String(data, 0, lf + 1, StandardCharsets.UTF_8);
      nextLineNumber = 1 + countLines(data, consumed);
    }
    uidlistKey = key;
    uidlistSize = length;
    uidlistMtime = mtime;
  }

  /**
   * The bytes after what was consumed, if the file still starts with the header line we parsed (it only
   * grew by appends); null when it was rewritten in place and must be read whole. Reading only the tail
   * keeps a commit's cost independent of the folder's size.
   */
  private byte[] appendedTail() {
    try (FileChannel ch = FileChannel.open(uidlistPath, StandardOpenOption.READ)) {
      byte[] head = headerLine.getBytes(StandardCharsets.UTF_8);
      if (ch.size() < consumed || !Arrays.equals(readAt(ch, 0, head.length), head)) {
        return null;
      }
      return readAt(ch, consumed, (int) Math.min(Integer.MAX_VALUE - 8, ch.size() - consumed));
    } catch (NoSuchFileException e) {
      return null; // replaced meanwhile: the whole read below reports it
    } catch (IOException e) {
      throw MaildirSync.io("cannot read " + uidlistPath, e);
    }
  }

  /** Up to {@code length} bytes at {@code position}; fewer when the file ends sooner. */
  private static byte[] readAt(FileChannel ch, long position, int length) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length);
    while (buf.hasRemaining()) {
      int n = ch.read(buf, position + buf.position());
      if (n < 0) {
        break;
      }
    }
    return buf.position() == length ? buf.array() : Arrays.copyOf(buf.array(), buf.position());
  }

  /** Dovecot: a file named by two records keeps the later UID ("Duplicate file entry"). */
  private void addRecord(UidlistRecord r) {
    UidlistRecord before = recordsByBase.put(r.baseName(), r);
    if (before != null) {
      warnings.accept(uidlistPath + ": duplicate file entry " + r.baseName() + " (UIDs " + before.uid() + " and "
          + r.uid() + "); the later UID wins");
      records.remove(before);
      generation++;
    }
    records.add(r);
  }

  private static byte[] readAll(Path p) {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8, ch.size() + 4096));
      while (ch.read(buf) > 0) {
        if (!buf.hasRemaining()) {
          ByteBuffer bigger = ByteBuffer.allocate(buf.capacity() * 2);
          buf.flip();
          bigger.put(buf);
          buf = bigger;
        }
      }
      return Arrays.copyOf(buf.array(), buf.position());
    } catch (IOException e) {
      throw MaildirSync.io("cannot read " + p, e);
    }
  }

  private static int countLines(byte[] data, int upTo) {
    int n = 0;
    for (int i = 0; i < upTo; i++) {
      if (data[i] == '\n') {
        n++;
      }
    }
    return n;
  }

  private static int indexOf(byte[] data, byte b) {
    for (int i = 0; i < data.length; i++) {
      if (data[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
