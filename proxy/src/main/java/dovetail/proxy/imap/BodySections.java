package dovetail.proxy.imap;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.commons.io.input.BoundedInputStream;
import org.apache.james.imap.api.message.BodyFetchElement;
import org.apache.james.imap.api.message.SectionType;
import org.apache.james.imap.message.response.FetchResponse;

/**
 * The bytes of a BODY[section] (RFC 3501 §6.4.5), cut from the message file by the offsets of its {@link MimePart}s,
 * so that they are the stored bytes (James 3.8.1's PartContentBuilder numbers the parts of a message/rfc822 one
 * level off, and its FetchResponseBuilder rebuilds HEADER and MIME sections from parsed fields, in US-ASCII).
 * Part numbers and the answer for a part that does not exist (an empty string) follow Dovecot's imap-msgpart.c.
 */
final class BodySections {
  /** Opens the whole message as clients see it (CRLF line ends). */
  interface Source {
    InputStream open() throws IOException;
  }

  private BodySections() {}

  /** Whether James's own answer is right for this section: the whole message, its header or its text. */
  static boolean jamesServesIt(BodyFetchElement e) {
    boolean top = e.getPath() == null || e.getPath().length == 0;
    return top && (e.getSectionType() == SectionType.CONTENT || e.getSectionType() == SectionType.HEADER
        || e.getSectionType() == SectionType.TEXT);
  }

  static FetchResponse.BodyElement element(BodyFetchElement request, MimePart root, Source source) throws IOException {
    FetchResponse.BodyElement whole = whole(request, root, source);
    if (request.getFirstOctet() == null) {
      return whole;
    }
    return new Partial(responseName(request), whole, request.getFirstOctet(), request.getNumberOfOctets());
  }

  /**
   * The item's name in the FETCH response: a partial fetch names its origin octet, BODY[1]<10> for BODY[1]<10.20>
   * (RFC 3501 §7.4.2), as James's own partial items do.
   */
  static String responseName(BodyFetchElement request) {
    Long first = request.getFirstOctet();
    return first == null ? request.getResponseName() : request.getResponseName() + "<" + first + ">";
  }

  private static FetchResponse.BodyElement whole(BodyFetchElement request, MimePart root, Source source)
      throws IOException {
    String name = request.getResponseName();
    MimePart part = find(root, request.getPath());
    SectionType type = request.getSectionType();
    boolean numbered = request.getPath() != null && request.getPath().length > 0;
    if (numbered && part != null && type != SectionType.CONTENT && type != SectionType.MIME) {
      // HEADER, HEADER.FIELDS[.NOT] and TEXT of a part are those of the message a message/rfc822 part carries.
      part = part.message;
    }
    if (part == null) {
      return new Range(name, source, 0, 0);
    }
    return switch (type) {
      case CONTENT -> new Range(name, source, part.bodyStart, part.end);
      case TEXT -> new Range(name, source, part.bodyStart, part.end);
      case MIME, HEADER -> new Range(name, source, part.headerStart, part.bodyStart);
      case HEADER_FIELDS -> new Bytes(name, fields(source, part, request.getFieldNames(), true));
      case HEADER_NOT_FIELDS -> new Bytes(name, fields(source, part, request.getFieldNames(), false));
    };
  }

  /** The part a section number names, or null (imap-msgpart.c's imap_msgpart_find). */
  static MimePart find(MimePart root, int[] path) {
    MimePart part = root;
    if (path == null) {
      return part;
    }
    for (int i = 0; i < path.length && part != null; i++) {
      int n = path[i];
      boolean more = i + 1 < path.length;
      if (part.isMultipart()) {
        part = n >= 1 && n <= part.children.size() ? part.children.get(n - 1) : null;
      } else if (n != 1 || more && !part.isMessage()) {
        part = null;
      }
      if (part != null && part.isMessage() && more) {
        // Going on inside a message/rfc822 part: number within the message it carries.
        part = part.message;
      }
    }
    return part;
  }

  /** The header fields named (or not named), each with its continuation lines, then the empty line. */
  private static byte[] fields(Source source, MimePart part, Collection<String> names, boolean named)
      throws IOException {
    Set<String> wanted = names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    byte[] header;
    try (InputStream in = slice(source, part.headerStart, part.bodyStart)) {
      header = in.readAllBytes();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean keep = false;
    int start = 0;
    while (start < header.length) {
      int end = start;
      while (end < header.length && header[end] != '\n') {
        end++;
      }
      end = Math.min(end + 1, header.length);
      boolean continuation = header[start] == ' ' || header[start] == '\t';
      if (!continuation) {
        String line = new String(header, start, end - start, StandardCharsets.ISO_8859_1);
        int colon = line.indexOf(':');
        boolean blank = line.isBlank();
        keep = !blank && colon > 0 && wanted.contains(line.substring(0, colon).trim().toLowerCase(Locale.ROOT)) == named;
      }
      if (keep) {
        out.write(header, start, end - start);
      }
      start = end;
    }
    out.write('\r');
    out.write('\n');
    return out.toByteArray();
  }

  static InputStream slice(Source source, long from, long to) throws IOException {
    InputStream in = source.open();
    try {
      in.skipNBytes(from);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
    return new BoundedInputStream(in, to - from);
  }

  /** A byte range of the message, read from the file only when written to the client. */
  private record Range(String name, Source source, long from, long to) implements FetchResponse.BodyElement {
    @Override
    public String getName() {
      return name;
    }

    @Override
    public long size() {
      return to - from;
    }

    @Override
    public InputStream getInputStream() throws IOException {
      return to == from ? new ByteArrayInputStream(new byte[0]) : slice(source, from, to);
    }
  }

  private record Bytes(String name, byte[] bytes) implements FetchResponse.BodyElement {
    @Override
    public String getName() {
      return name;
    }

    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public InputStream getInputStream() {
      return new ByteArrayInputStream(bytes);
    }
  }

  /** BODY[section]<first.count> (RFC 3501 §6.4.5): the octets from first, at most count; empty past the end. */
  private record Partial(String name, FetchResponse.BodyElement whole, long first, Long count)
      implements FetchResponse.BodyElement {
    @Override
    public String getName() {
      return name;
    }

    @Override
    public long size() throws IOException {
      long left = Math.max(0, whole.size() - first);
      return count == null ? left : Math.min(left, count);
    }

    @Override
    public InputStream getInputStream() throws IOException {
      InputStream in = whole.getInputStream();
      long skip = Math.min(first, whole.size());
      in.skipNBytes(skip);
      return new BoundedInputStream(in, size());
    }
  }
}
