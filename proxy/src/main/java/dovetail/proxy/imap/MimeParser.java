package dovetail.proxy.imap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds a message's MIME entities ({@link MimePart}) in one streaming pass over its CRLF form, holding one line at a
 * time. Part boundaries follow Dovecot's message-parser, so that every BODY[section] has the bytes Dovecot serves
 * from the same file: a part ends before the CRLF that precedes the next boundary line (RFC 2046 §5.1.1), except
 * when that line end belongs to a nested multipart's closing boundary line, which keeps its own line end. A line
 * that starts with "--" and a boundary ends the innermost part that has it (prefix match, innermost first), and
 * every part inside it.
 */
final class MimeParser {
  /** Deeper nesting is served as an opaque body (Dovecot also stops at a nesting limit, 100 by default). */
  static final int MAX_DEPTH = 100;
  /** Bytes of a line kept for matching and header parsing; longer header lines are cut for parsing only. */
  private static final int MAX_KEPT = 64 * 1024;

  private final InputStream in;
  private final byte[] buf = new byte[8192];
  private int bufPos;
  private int bufLen;
  private long offset;
  private long lineEnds;

  // The current (peeked) line.
  private boolean hasLine;
  private long lineStart;
  private int lineLength;
  private int eolLength;
  private byte[] kept = new byte[256];
  private int keptLength;

  // Where content ends if the next line is a boundary, and the line ends before that point.
  private long cut;
  private long cutLines;

  private final List<String> boundaries = new ArrayList<>();

  // Where the last header that a boundary cut ended: before its last line end, and after it.
  private long headerCutAt = -1;
  private long headerLineEnd;
  private long headerLineEnds;

  private MimeParser(InputStream in) {
    this.in = in;
  }

  /** @param crlfContent the whole message as clients see it; not closed here */
  static MimePart parse(InputStream crlfContent) throws IOException {
    MimeParser p = new MimeParser(crlfContent);
    MimePart root = new MimePart(0);
    p.entity(root, ContentType.DEFAULT, 0);
    return root;
  }

  /** Parses one entity from the current position up to a boundary line of an enclosing part, or the end. */
  private void entity(MimePart part, ContentType defaultType, int depth) throws IOException {
    header(part);
    part.type = ContentType.parse(part.field("content-type"), defaultType);
    long bodyLines = lineEnds;
    if (part.type.isMultipart() && part.type.boundary() != null && depth < MAX_DEPTH) {
      multipart(part, depth);
    } else if (part.type.is("message", "rfc822") && depth < MAX_DEPTH) {
      part.message = new MimePart(part.bodyStart);
      entity(part.message, ContentType.DEFAULT, depth + 1);
      if (headerCutAt == part.message.bodyStart && part.message.end == part.message.bodyStart) {
        // A carried message that is all header, cut by a boundary: Dovecot ends the message/rfc822 part after
        // the header's last line end, though the message's own header stops before it.
        part.end = headerLineEnd;
        part.bodyLines = headerLineEnds - bodyLines;
        return;
      }
    } else {
      while (next() && !atBoundary()) {
        contentLine();
      }
    }
    part.end = hasLine ? Math.max(cut, part.bodyStart) : offset;
    part.bodyLines = (hasLine ? cutLines : lineEnds) - bodyLines;
    if (part.end == part.bodyStart) {
      part.bodyLines = 0;
    }
    if (part.message != null) {
      part.message.end = part.end;
    }
  }

  /** Header lines up to and including the empty line; a boundary line or the end also ends it. */
  private void header(MimePart part) throws IOException {
    StringBuilder field = null;
    while (next() && !atBoundary()) {
      if (lineLength == eolLength) {
        consumeWhole();
        break;
      }
      // Should a boundary end the header, the line end before it is the boundary's (as for content).
      contentLine();
      String text = new String(kept, 0, keptLength, StandardCharsets.ISO_8859_1);
      if ((text.startsWith(" ") || text.startsWith("\t")) && field != null) {
        // Unfolded as Dovecot shows it in ENVELOPE: the line end and the indentation become one space.
        field.append(' ').append(text.stripLeading());
        continue;
      }
      store(part, field);
      field = new StringBuilder(text);
    }
    store(part, field);
    part.bodyStart = hasLine ? cut : offset;
    if (hasLine && field != null) {
      headerCutAt = cut;
      headerLineEnd = lineStart;
      headerLineEnds = lineEnds;
    }
  }

  private static void store(MimePart part, StringBuilder field) {
    if (field == null) {
      return;
    }
    int colon = field.indexOf(":");
    if (colon <= 0) {
      return;
    }
    String name = field.substring(0, colon).trim().toLowerCase(Locale.ROOT);
    if (MimePart.kept(name) && !part.fields.containsKey(name)) {
      part.fields.put(name, field.substring(colon + 1).trim());
    }
  }

  private void multipart(MimePart part, int depth) throws IOException {
    String boundary = part.type.boundary();
    boundaries.add(boundary);
    int own = boundaries.size() - 1;
    ContentType childDefault = part.type.is("multipart", "digest") ? ContentType.RFC822 : ContentType.DEFAULT;
    try {
      // Preamble, then one child per opening boundary line, until the closing one or an outer boundary.
      while (next()) {
        int b = boundaryIndex();
        if (b >= 0 && b < own) {
          return;
        }
        if (b < 0) {
          contentLine();
          continue;
        }
        boolean close = isClose(boundary);
        consumeWhole();
        if (close) {
          break;
        }
        MimePart child = new MimePart(offset);
        part.children.add(child);
        entity(child, childDefault, depth + 1);
        if (!hasLine) {
          return;
        }
      }
      // Epilogue.
      while (next() && !atBoundary()) {
        contentLine();
      }
    } finally {
      boundaries.remove(own);
    }
  }

  /** Whether the waiting line starts a boundary of an enclosing part. */
  private boolean atBoundary() {
    return hasLine && boundaryIndex() >= 0;
  }

  /** The innermost open boundary this line starts, or -1. */
  private int boundaryIndex() {
    if (keptLength < 2 || kept[0] != '-' || kept[1] != '-') {
      return -1;
    }
    for (int i = boundaries.size() - 1; i >= 0; i--) {
      byte[] b = boundaries.get(i).getBytes(StandardCharsets.ISO_8859_1);
      if (keptLength - 2 >= b.length && java.util.Arrays.equals(kept, 2, 2 + b.length, b, 0, b.length)) {
        return i;
      }
    }
    return -1;
  }

  private boolean isClose(String boundary) {
    int at = 2 + boundary.getBytes(StandardCharsets.ISO_8859_1).length;
    return keptLength >= at + 2 && kept[at] == '-' && kept[at + 1] == '-';
  }

  /** A content line: should a boundary follow, the content ends before this line's line end. */
  private void contentLine() {
    cut = lineStart + lineLength - eolLength;
    cutLines = lineEnds;
    hasLine = false;
    lineEnds += eolLength > 0 ? 1 : 0;
  }

  /** A boundary line or the empty line after a header: it keeps its line end. */
  private void consumeWhole() {
    lineEnds += eolLength > 0 ? 1 : 0;
    cut = lineStart + lineLength;
    cutLines = lineEnds;
    hasLine = false;
  }

  /** Reads the next line unless one is waiting; false at the end of the message. */
  private boolean next() throws IOException {
    if (hasLine) {
      return true;
    }
    lineStart = offset;
    lineLength = 0;
    eolLength = 0;
    keptLength = 0;
    byte previous = 0;
    while (true) {
      if (bufPos == bufLen) {
        bufLen = in.read(buf, 0, buf.length);
        bufPos = 0;
        if (bufLen <= 0) {
          bufLen = 0;
          break;
        }
      }
      byte b = buf[bufPos++];
      offset++;
      lineLength++;
      if (b == '\n') {
        eolLength = lineLength > 1 && previous == '\r' ? 2 : 1;
        if (eolLength == 2 && keptLength > 0 && keptLength < MAX_KEPT) {
          keptLength--;
        }
        break;
      }
      previous = b;
      keep(b);
    }
    hasLine = lineLength > 0;
    return hasLine;
  }

  private void keep(byte b) {
    if (keptLength == MAX_KEPT) {
      return;
    }
    if (keptLength == kept.length) {
      kept = java.util.Arrays.copyOf(kept, Math.min(MAX_KEPT, kept.length * 2));
    }
    kept[keptLength++] = b;
  }
}
