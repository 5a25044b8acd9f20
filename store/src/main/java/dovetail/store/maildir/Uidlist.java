package dovetail.store.maildir;

import dovetail.store.StoreError;
import dovetail.store.StoreException;
import dovetail.store.Uids;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads and writes dovecot-uidlist (maildir-uidlist.c). Version 3 is read and written; version 1
 * (Courier style) is read. A trailing line without LF is an append still in progress (or cut by a crash):
 * it is not consumed, so the next read picks it up once complete.
 */
final class Uidlist {
  private Uidlist() {}

  /** What one parse produced. {@code consumed} is the byte count up to the last complete line. */
  record Parsed(UidlistHeader header, List<UidlistRecord> records, int consumed) {}

  /** Parses a whole file. */
  static Parsed parse(byte[] data, String path, Consumer<String> warnings) {
    int firstLf = indexOf(data, 0, (byte) '\n');
    if (firstLf < 0) {
      throw corrupt(path, 1, "no complete header line");
    }
    String headerLine = new String(data, 0, firstLf, StandardCharsets.UTF_8);
    UidlistHeader header;
    boolean v1;
    if (headerLine.startsWith("3 ") || headerLine.equals("3")) {
      header = parseV3Header(headerLine, path);
      v1 = false;
    } else if (headerLine.startsWith("1 ")) {
      header = parseV1Header(headerLine, path);
      v1 = true;
    } else {
      throw corrupt(path, 1, "unsupported version or broken header: '" + headerLine + "'");
    }
    List<UidlistRecord> records = new ArrayList<>();
    int consumed = parseRecords(data, firstLf + 1, 2, v1, records, 0, path, warnings);
    return new Parsed(header, records, consumed);
  }

  /**
   * Parses records appended after {@code offset} (an earlier parse's {@code consumed}), checking them
   * against the last UID already known. Returns the new consumed offset.
   */
  static int parseAppended(byte[] data, int offset, int firstLineNumber, long lastUid, List<UidlistRecord> into,
      String path, Consumer<String> warnings) {
    return parseRecords(data, offset, firstLineNumber, false, into, lastUid, path, warnings);
  }

  private static int parseRecords(byte[] data, int start, int lineNumber, boolean v1, List<UidlistRecord> into,
      long lastUid, String path, Consumer<String> warnings) {
    int pos = start;
    long previous = lastUid;
    while (pos < data.length) {
      int lf = indexOf(data, pos, (byte) '\n');
      if (lf < 0) {
        warnings.accept(path + ": line " + lineNumber + " has no LF yet (append in progress or cut); not read");
        break;
      }
      int from = pos;
      pos = lf + 1;
      if (lf > from) {
        UidlistRecord record = v1 ? null : plainV3Record(data, from, lf);
        if (record == null) {
          String line = new String(data, from, lf - from, StandardCharsets.UTF_8);
          record = v1 ? parseV1Record(line, path, lineNumber) : parseV3Record(line, path, lineNumber, warnings);
        }
        if (record.uid() <= previous) {
          throw corrupt(path, lineNumber, "UIDs are not strictly increasing (" + record.uid() + " after " + previous
              + "); refusing to renumber");
        }
        previous = record.uid();
        into.add(record);
      }
      lineNumber++;
    }
    return pos;
  }

  /**
   * The common record, {@code <uid> :<filename>} (no extensions), read straight from the bytes: one string per line
   * instead of four and a list (a folder of 100,000 messages is read whole at its first SELECT). Null for any other
   * line, which {@link #parseV3Record} reads (and reports, if it is broken).
   */
  private static UidlistRecord plainV3Record(byte[] data, int from, int lf) {
    long uid = 0;
    int i = from;
    while (i < lf && data[i] >= '0' && data[i] <= '9' && i - from < 12) {
      uid = uid * 10 + (data[i] - '0');
      i++;
    }
    if (i == from || i + 2 >= lf || data[i] != ' ' || data[i + 1] != ':' || uid == 0 || uid > Uids.MAX_UID) {
      return null;
    }
    for (int j = i + 2; j < lf; j++) {
      if (data[j] == ':' || data[j] < 0) {
        return null; // an info part to cut off, or UTF-8 beyond ASCII: the general path
      }
    }
    return new UidlistRecord(uid, Map.of(), new String(data, i + 2, lf - i - 2, StandardCharsets.ISO_8859_1));
  }

  private static UidlistHeader parseV3Header(String line, String path) {
    long v = 0;
    long n = 0;
    String guid = null;
    List<String> extra = new ArrayList<>();
    for (String field : line.substring(1).trim().split(" +")) {
      if (field.isEmpty()) {
        continue;
      }
      char key = field.charAt(0);
      String value = field.substring(1);
      switch (key) {
        case 'V' -> v = parseNumber(value, path, 1, "V");
        case 'N' -> n = parseNumber(value, path, 1, "N");
        case 'G' -> {
          if (!value.matches("[0-9a-fA-F]{32}")) {
            throw corrupt(path, 1, "mailbox GUID is not 32 hex digits: " + value);
          }
          guid = value.toLowerCase(java.util.Locale.ROOT);
        }
        default -> extra.add(field);
      }
    }
    if (v == 0 || v > Uids.MAX_UIDVALIDITY) {
      throw corrupt(path, 1, "UIDVALIDITY (V) is missing or zero");
    }
    if (n == 0) {
      throw corrupt(path, 1, "next UID (N) is missing or zero");
    }
    return new UidlistHeader(v, n, guid, extra);
  }

  private static UidlistHeader parseV1Header(String line, String path) {
    String[] parts = line.split(" +");
    if (parts.length < 3) {
      throw corrupt(path, 1, "broken version 1 header: '" + line + "'");
    }
    long v = parseNumber(parts[1], path, 1, "uidvalidity");
    long n = parseNumber(parts[2], path, 1, "nextuid");
    if (v == 0 || n == 0) {
      throw corrupt(path, 1, "version 1 header has a zero value");
    }
    return new UidlistHeader(v, n, null, List.of());
  }

  private static UidlistRecord parseV3Record(String line, String path, int lineNumber, Consumer<String> warnings) {
    int colon = line.indexOf(" :");
    if (colon < 0) {
      throw corrupt(path, lineNumber, "record has no ' :<filename>'");
    }
    String baseName = MaildirFilename.baseName(line.substring(colon + 2));
    List<String> fields = fields(line, colon);
    long uid = parseNumber(fields.isEmpty() ? "" : fields.get(0), path, lineNumber, "uid");
    if (uid == 0 || uid > Uids.MAX_UID) {
      throw corrupt(path, lineNumber, "UID out of range: " + uid);
    }
    Map<Character, String> extensions = new HashMap<>();
    for (int i = 1; i < fields.size(); i++) {
      String field = fields.get(i);
      char key = field.charAt(0);
      if (key < 'A' || key > 'Z') {
        // Dovecot drops such a token and keeps the rest of the record.
        warnings.accept(path + ": line " + lineNumber + ": invalid extension record dropped: " + field);
        continue;
      }
      extensions.put(key, field.substring(1));
    }
    if (baseName.isEmpty()) {
      throw corrupt(path, lineNumber, "record has an empty filename");
    }
    return new UidlistRecord(uid, extensions, baseName);
  }

  /** The space-separated fields of {@code line} before {@code end} (what split(" +") gives, without a regex). */
  private static List<String> fields(String line, int end) {
    List<String> out = new ArrayList<>(4);
    if (end > 0 && line.charAt(0) == ' ') {
      out.add(""); // as split does: a leading space makes an empty (invalid) UID field
    }
    int i = 0;
    while (i < end) {
      while (i < end && line.charAt(i) == ' ') {
        i++;
      }
      int start = i;
      while (i < end && line.charAt(i) != ' ') {
        i++;
      }
      if (i > start) {
        out.add(line.substring(start, i));
      }
    }
    return out;
  }

  private static UidlistRecord parseV1Record(String line, String path, int lineNumber) {
    int space = line.indexOf(' ');
    if (space < 0) {
      throw corrupt(path, lineNumber, "broken version 1 record");
    }
    long uid = parseNumber(line.substring(0, space), path, lineNumber, "uid");
    if (uid == 0) {
      throw corrupt(path, lineNumber, "UID 0");
    }
    return new UidlistRecord(uid, Map.of(), MaildirFilename.baseName(line.substring(space + 1).trim()));
  }

  /** A whole file: the header line, then one line per record. */
  static byte[] format(UidlistHeader header, List<UidlistRecord> records) {
    return withHeader(header, formatRecords(records));
  }

  /** A header line followed by record lines already formatted (each ending in LF). */
  static byte[] withHeader(UidlistHeader header, byte[] recordLines) {
    byte[] head = (header.toLine() + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] out = Arrays.copyOf(head, head.length + recordLines.length);
    System.arraycopy(recordLines, 0, out, head.length, recordLines.length);
    return out;
  }

  static byte[] formatRecords(List<UidlistRecord> records) {
    StringBuilder out = new StringBuilder(records.size() * 64);
    for (UidlistRecord r : records) {
      out.append(r.toLine()).append('\n');
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static long parseNumber(String s, String path, int line, String what) {
    try {
      long v = Long.parseLong(s);
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw corrupt(path, line, what + " is not a number: '" + s + "'");
    }
  }

  private static int indexOf(byte[] data, int from, byte b) {
    for (int i = from; i < data.length; i++) {
      if (data[i] == b) {
        return i;
      }
    }
    return -1;
  }

  static StoreException corrupt(String path, int line, String what) {
    return new StoreException(StoreError.CORRUPT, path + ": line " + line + ": " + what);
  }
}
