package dovetail.proxy.imap;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Content-Type or Content-Disposition value (RFC 2045 §5.1, RFC 2183): the value before the first ';' and its
 * parameters, quoted strings unquoted, in the order written. Lenient: what cannot be read is left out.
 *
 * @param params name, value, name, value...
 */
record ContentType(String type, String subType, List<String> params) {
  static final ContentType DEFAULT = new ContentType("text", "plain", List.of());
  static final ContentType RFC822 = new ContentType("message", "rfc822", List.of());

  /** @param defaultType what a part without (readable) Content-Type is (RFC 2046 §5.1.5: digest parts) */
  static ContentType parse(String value, ContentType defaultType) {
    if (value == null) {
      return defaultType;
    }
    Reader r = new Reader(value);
    String type = r.token();
    r.skipSpace();
    if (type.isEmpty() || !r.take('/')) {
      return defaultType;
    }
    r.skipSpace();
    String subType = r.token();
    if (subType.isEmpty()) {
      return defaultType;
    }
    return new ContentType(type, subType, r.params());
  }

  /** A Content-Disposition: its type (kept in {@link #type}) and parameters. Null if absent or unreadable. */
  static ContentType parseDisposition(String value) {
    if (value == null) {
      return null;
    }
    Reader r = new Reader(value);
    String type = r.token();
    return type.isEmpty() ? null : new ContentType(type, null, r.params());
  }

  String param(String name) {
    for (int i = 0; i + 1 < params.size(); i += 2) {
      if (params.get(i).equalsIgnoreCase(name)) {
        return params.get(i + 1);
      }
    }
    return null;
  }

  boolean is(String t, String s) {
    return type.equalsIgnoreCase(t) && (s == null || subType.equalsIgnoreCase(s));
  }

  boolean isMultipart() {
    return type.equalsIgnoreCase("multipart");
  }

  String boundary() {
    String b = param("boundary");
    return b == null || b.isEmpty() ? null : b;
  }

  private static final class Reader {
    private final String s;
    private int i;

    Reader(String s) {
      this.s = s;
    }

    void skipSpace() {
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
          i++;
        } else if (c == '(') {
          skipComment();
        } else {
          return;
        }
      }
    }

    private void skipComment() {
      int depth = 0;
      while (i < s.length()) {
        char c = s.charAt(i++);
        if (c == '\\') {
          i++;
        } else if (c == '(') {
          depth++;
        } else if (c == ')' && --depth == 0) {
          return;
        }
      }
    }

    boolean take(char c) {
      if (i < s.length() && s.charAt(i) == c) {
        i++;
        return true;
      }
      return false;
    }

    /** RFC 2045 token: anything but space, controls and tspecials. */
    String token() {
      skipSpace();
      int start = i;
      while (i < s.length() && s.charAt(i) > ' ' && s.charAt(i) != 0x7f && "()<>@,;:\\\"/[]?=".indexOf(s.charAt(i)) < 0) {
        i++;
      }
      return s.substring(start, i);
    }

    String quoted() {
      StringBuilder out = new StringBuilder();
      while (i < s.length()) {
        char c = s.charAt(i++);
        if (c == '\\' && i < s.length()) {
          out.append(s.charAt(i++));
        } else if (c == '"') {
          break;
        } else if (c != '\r' && c != '\n') {
          out.append(c);
        }
      }
      return out.toString();
    }

    List<String> params() {
      List<String> out = new ArrayList<>();
      while (true) {
        skipSpace();
        if (i >= s.length()) {
          return out;
        }
        if (!take(';')) {
          // garbage before the next ';': skip it
          int next = s.indexOf(';', i);
          if (next < 0) {
            return out;
          }
          i = next + 1;
        }
        String name = token();
        skipSpace();
        if (name.isEmpty() || !take('=')) {
          continue;
        }
        skipSpace();
        String value = take('"') ? quoted() : token();
        out.add(name.toLowerCase(Locale.ROOT));
        out.add(value);
      }
    }
  }
}
