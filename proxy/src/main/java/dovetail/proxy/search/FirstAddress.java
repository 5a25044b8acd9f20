package dovetail.proxy.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;

/**
 * The first address of an address header (RFC 5322 §3.4), for SORT FROM/TO/CC (its mailbox, the local part:
 * RFC 5256 §3) and DISPLAYFROM/DISPLAYTO (its display name: RFC 5957 §3). A group counts as an address named
 * by the group's name. A comment after an addr-spec ({@code user@host (Real Name)}) serves as its display name.
 */
record FirstAddress(String name, String mailbox, String domain) {
  /** RFC 5957: the decoded display name, or else the addr-spec. */
  String displayName() {
    String decoded = DecoderUtil.decodeEncodedWords(name, DecodeMonitor.SILENT).strip();
    if (!decoded.isEmpty()) {
      return decoded;
    }
    return domain.isEmpty() ? mailbox : mailbox + "@" + domain;
  }

  static Optional<FirstAddress> parse(String value) {
    List<Token> t = Token.split(value);
    List<Token> phrase = new ArrayList<>();
    String comment = "";
    for (int i = 0; i < t.size(); i++) {
      Token k = t.get(i);
      switch (k.kind) {
        case COMMENT -> comment = k.text;
        case SPECIAL -> {
          switch (k.text) {
            case "<" -> {
              return Optional.of(angle(text(phrase, " "), t, i + 1));
            }
            case ":" -> {
              return Optional.of(new FirstAddress("", text(phrase, " "), ""));
            }
            case "@" -> {
              String domain = domain(t, i + 1);
              String trailing = trailingComment(t, i + 1);
              return Optional.of(new FirstAddress(trailing.isEmpty() ? comment : trailing, text(phrase, ""), domain));
            }
            case "," -> {
              if (!phrase.isEmpty()) {
                return Optional.of(new FirstAddress(comment, text(phrase, ""), ""));
              }
            }
            default -> phrase.add(k);
          }
        }
        default -> phrase.add(k);
      }
    }
    return phrase.isEmpty() ? Optional.empty() : Optional.of(new FirstAddress(comment, text(phrase, ""), ""));
  }

  /** {@code <[route:]local@domain>} after a display name. */
  private static FirstAddress angle(String name, List<Token> t, int from) {
    int i = from;
    // obs-route: "@a,@b:" before the addr-spec
    int colon = -1;
    for (int k = i; k < t.size() && !t.get(k).is(">"); k++) {
      if (t.get(k).is(":")) {
        colon = k;
        break;
      }
    }
    if (colon >= 0) {
      i = colon + 1;
    }
    List<Token> local = new ArrayList<>();
    while (i < t.size() && !t.get(i).is("@") && !t.get(i).is(">")) {
      if (t.get(i).kind != Kind.COMMENT) {
        local.add(t.get(i));
      }
      i++;
    }
    String domain = i < t.size() && t.get(i).is("@") ? domain(t, i + 1) : "";
    return new FirstAddress(name, text(local, ""), domain);
  }

  private static String domain(List<Token> t, int from) {
    StringBuilder d = new StringBuilder();
    for (int i = from; i < t.size() && !t.get(i).is(">") && !t.get(i).is(",") && !t.get(i).is(";"); i++) {
      if (t.get(i).kind != Kind.COMMENT) {
        d.append(t.get(i).text);
      }
    }
    return d.toString();
  }

  private static String trailingComment(List<Token> t, int from) {
    String comment = "";
    for (int i = from; i < t.size() && !t.get(i).is(","); i++) {
      if (t.get(i).kind == Kind.COMMENT) {
        comment = t.get(i).text;
      }
    }
    return comment;
  }

  /** Words joined by the separator, a "." kept tight ("John Q. Public", "first.last"). */
  private static String text(List<Token> words, String separator) {
    StringBuilder out = new StringBuilder();
    Token previous = null;
    for (Token w : words) {
      boolean tight = w.is(".") || (separator.isEmpty() && previous != null && previous.is("."));
      if (previous != null && !tight) {
        out.append(separator);
      }
      out.append(w.text);
      previous = w;
    }
    return out.toString();
  }

  enum Kind { ATOM, QUOTED, COMMENT, SPECIAL }

  /** A lexical token of RFC 5322 §3.2: quoted strings and comments unquoted, specials one character each. */
  record Token(Kind kind, String text) {
    private static final String SPECIALS = "()<>[]:;@\\,.\"";

    boolean is(String special) {
      return kind == Kind.SPECIAL && text.equals(special);
    }

    static List<Token> split(String s) {
      List<Token> out = new ArrayList<>();
      int i = 0;
      while (i < s.length()) {
        char c = s.charAt(i);
        if (Character.isWhitespace(c)) {
          i++;
        } else if (c == '"') {
          StringBuilder q = new StringBuilder();
          i++;
          while (i < s.length() && s.charAt(i) != '"') {
            if (s.charAt(i) == '\\' && i + 1 < s.length()) {
              i++;
            }
            q.append(s.charAt(i++));
          }
          i++;
          out.add(new Token(Kind.QUOTED, q.toString()));
        } else if (c == '(') {
          StringBuilder q = new StringBuilder();
          int depth = 1;
          i++;
          while (i < s.length() && depth > 0) {
            char d = s.charAt(i);
            if (d == '\\' && i + 1 < s.length()) {
              q.append(s.charAt(i + 1));
              i += 2;
              continue;
            }
            depth += d == '(' ? 1 : d == ')' ? -1 : 0;
            if (depth > 0) {
              q.append(d);
            }
            i++;
          }
          out.add(new Token(Kind.COMMENT, q.toString().strip()));
        } else if (SPECIALS.indexOf(c) >= 0) {
          out.add(new Token(Kind.SPECIAL, String.valueOf(c)));
          i++;
        } else {
          int start = i;
          while (i < s.length() && !Character.isWhitespace(s.charAt(i)) && SPECIALS.indexOf(s.charAt(i)) < 0) {
            i++;
          }
          out.add(new Token(Kind.ATOM, s.substring(start, i)));
        }
      }
      return out;
    }
  }
}
