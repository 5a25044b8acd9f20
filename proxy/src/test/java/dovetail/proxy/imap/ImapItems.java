package dovetail.proxy.imap;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads FETCH response items (RFC 3501 §9 syntax: lists, quoted strings, literals, atoms) for comparisons. */
final class ImapItems {
  private ImapItems() {}

  /** The value of one item of a FETCH response line, e.g. the parenthesized list after "ENVELOPE ". */
  static String item(String line, String name) {
    int at = line.indexOf(" " + name + " (");
    if (at < 0) {
      at = line.indexOf("(" + name + " (");
    }
    if (at < 0) {
      throw new AssertionError("no " + name + " in: " + line);
    }
    int start = at + name.length() + 2;
    int[] pos = {start};
    parse(line, pos);
    return line.substring(start, pos[0]);
  }

  /**
   * A BODY or BODYSTRUCTURE with media type, subtype and encoding in upper case: James's FetchResponseEncoder
   * writes them so (quoteUpperCaseAscii), Dovecot as the message has them; RFC 3501 §7.4.2 makes them
   * case-insensitive. Nothing else is touched.
   */
  static String structureCase(String structure) {
    int[] pos = {0};
    Object tree = parse(structure, pos);
    upper(tree);
    return write(tree);
  }

  /** The same value with literals written as quoted strings: Dovecot sends a literal where a quoted string would do. */
  static String normalized(String value) {
    return write(parse(value, new int[] {0}));
  }

  @SuppressWarnings("unchecked")
  private static void upper(Object node) {
    if (!(node instanceof List<?> list) || list.isEmpty()) {
      return;
    }
    List<Object> l = (List<Object>) list;
    if (l.get(0) instanceof List) {
      int i = 0;
      while (i < l.size() && l.get(i) instanceof List) {
        upper(l.get(i++));
      }
      if (i < l.size()) {
        l.set(i, upperQuoted(l.get(i)));
      }
      return;
    }
    boolean rfc822 = "\"message\"".equalsIgnoreCase(String.valueOf(l.get(0)))
        && "\"rfc822\"".equalsIgnoreCase(String.valueOf(l.get(1)));
    for (int i : new int[] {0, 1, 5}) {
      if (i < l.size()) {
        l.set(i, upperQuoted(l.get(i)));
      }
    }
    if (rfc822 && l.size() > 8) {
      upper(l.get(8));
    }
  }

  private static Object upperQuoted(Object o) {
    return o instanceof String s && s.startsWith("\"") ? s.toUpperCase(Locale.ROOT) : o;
  }

  private static String write(Object node) {
    if (node instanceof List<?> list) {
      StringBuilder out = new StringBuilder("(");
      for (int i = 0; i < list.size(); i++) {
        // Dovecot and James both separate list items with one space, except between nested lists of a multipart.
        if (i > 0 && !(list.get(i - 1) instanceof List && list.get(i) instanceof List && isPart(list.get(i)))) {
          out.append(' ');
        }
        out.append(write(list.get(i)));
      }
      return out.append(')').toString();
    }
    return (String) node;
  }

  private static boolean isPart(Object o) {
    return o instanceof List<?> l && !l.isEmpty() && (l.get(0) instanceof List || String.valueOf(l.get(0)).startsWith("\""));
  }

  /** One value from pos: a list (as a List), or a token kept as written (quoted strings with their quotes). */
  private static Object parse(String s, int[] pos) {
    int i = pos[0];
    char c = s.charAt(i);
    if (c == '(') {
      List<Object> list = new ArrayList<>();
      i++;
      while (true) {
        while (s.charAt(i) == ' ') {
          i++;
        }
        if (s.charAt(i) == ')') {
          pos[0] = i + 1;
          return list;
        }
        pos[0] = i;
        list.add(parse(s, pos));
        i = pos[0];
      }
    }
    if (c == '"') {
      int j = i + 1;
      while (s.charAt(j) != '"') {
        j += s.charAt(j) == '\\' ? 2 : 1;
      }
      pos[0] = j + 1;
      return s.substring(i, j + 1);
    }
    if (c == '{') {
      int close = s.indexOf('}', i);
      int size = Integer.parseInt(s.substring(i + 1, close));
      int start = close + 3;
      pos[0] = start + size;
      // A literal compares by content: written as a quoted string would be.
      return "\"" + s.substring(start, start + size) + "\"";
    }
    int j = i;
    while (j < s.length() && s.charAt(j) != ' ' && s.charAt(j) != ')' && s.charAt(j) != '(') {
      j++;
    }
    pos[0] = j;
    return s.substring(i, j);
  }
}
