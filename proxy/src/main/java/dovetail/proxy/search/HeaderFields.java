package dovetail.proxy.search;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The header section of a message, read once, for the first occurrence of a field (RFC 5256 sorts on the first
 * Subject, From, To, Cc and Date, as Dovecot does). Values are unfolded (RFC 5322 §2.2.3) and kept raw otherwise:
 * encoded words are decoded by the caller that needs it.
 */
final class HeaderFields {
  private static final Pattern LINE_END = Pattern.compile("\r?\n");
  /** The header's lines, split once: a SEARCH with several header keys asks for several fields. */
  private final String[] lines;

  private HeaderFields(String text) {
    this.lines = LINE_END.split(text, -1);
  }

  /** Reads up to the empty line that ends the header (or the end of the stream). */
  static HeaderFields read(InputStream in) throws IOException {
    byte[] bytes = in.readAllBytes(); // a header stream: the header, perhaps with its empty line
    int end = 0;
    boolean lineStart = true;
    while (end < bytes.length) {
      byte b = bytes[end];
      if (lineStart && (b == '\n' || b == '\r' && (end + 1 == bytes.length || bytes[end + 1] == '\n'))) {
        break; // the empty line (LF or CRLF) that ends the header; a CR alone at the very end goes too
      }
      lineStart = b == '\n';
      end++;
    }
    return new HeaderFields(decode(bytes, end));
  }

  static HeaderFields of(String text) {
    return new HeaderFields(text);
  }

  /**
   * 8-bit header octets are read as UTF-8, each invalid sequence as U+FFFD, as Dovecot's header decoding does: a
   * Latin-1 octet spoils only its own field (UTF-8 resynchronizes at the next ASCII octet, so every line is read on
   * its own), and a raw UTF-8 Subject is found next to it. Reading the whole header as Latin-1 once one octet was
   * not UTF-8 made every raw UTF-8 field of that header unreadable.
   */
  private static String decode(byte[] bytes, int length) {
    return new String(bytes, 0, length, StandardCharsets.UTF_8);
  }

  /** The unfolded value of the first field with this name (case-insensitive), without the leading blank. */
  Optional<String> first(String name) {
    List<String> values = values(name, true);
    return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** The unfolded values of every field with this name, in header order. */
  List<String> all(String name) {
    return values(name, false);
  }

  private List<String> values(String name, boolean firstOnly) {
    String wanted = name + ":";
    List<String> out = new ArrayList<>();
    for (int i = 0; i < lines.length && !(firstOnly && !out.isEmpty()); i++) {
      if (!lines[i].regionMatches(true, 0, wanted, 0, wanted.length())) {
        continue;
      }
      StringBuilder value = new StringBuilder(lines[i].substring(wanted.length()));
      while (i + 1 < lines.length && !lines[i + 1].isEmpty()
          && (lines[i + 1].charAt(0) == ' ' || lines[i + 1].charAt(0) == '\t')) {
        value.append(lines[++i]);
      }
      out.add(value.toString().replace("\r", "").strip());
    }
    return out;
  }
}
