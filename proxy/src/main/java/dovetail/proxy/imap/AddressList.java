package dovetail.proxy.imap;

import java.util.ArrayList;
import java.util.List;
import org.apache.james.imap.message.response.FetchResponse.Envelope.Address;

/**
 * An address header (RFC 5322 §3.4) as ENVELOPE address structures (RFC 3501 §7.4.2). What James 3.8.1's
 * EnvelopeBuilder drops is kept: an addr-spec's comment is its display name ({@code user@domain (Real Name)}), as
 * Dovecot's message-address.c reads it. Groups become a start marker (NIL NIL name NIL) and an end marker (all NIL);
 * a missing mailbox or domain is filled in as Dovecot does (MISSING_MAILBOX, MISSING_DOMAIN). Encoded words are
 * left as written (RFC 3501: the server does not decode them).
 */
final class AddressList {
  record Addr(String getPersonalName, String getAtDomainList, String getMailboxName, String getHostName)
      implements Address {}

  private final String s;
  private int i;
  private String lastComment;

  private AddressList(String s) {
    this.s = s;
  }

  /** @return the addresses, or null (NIL) if the header is absent or names none */
  static Address[] parse(String value) {
    if (value == null) {
      return null;
    }
    List<Address> out = new AddressList(value).list();
    return out.isEmpty() ? null : out.toArray(Address[]::new);
  }

  private List<Address> list() {
    List<Address> out = new ArrayList<>();
    while (true) {
      skip();
      if (i >= s.length()) {
        return out;
      }
      if (take(',')) {
        continue;
      }
      int start = i;
      String phrase = phrase();
      if (take(':')) {
        out.add(new Addr(null, null, phrase.isEmpty() ? "" : phrase, null));
        while (true) {
          skip();
          if (i >= s.length() || peek(';')) {
            i = Math.min(i + 1, s.length());
            break;
          }
          if (take(',')) {
            continue;
          }
          out.add(mailbox());
        }
        out.add(new Addr(null, null, null, null));
        continue;
      }
      i = start;
      out.add(mailbox());
    }
  }

  /** name-addr or addr-spec. */
  private Addr mailbox() {
    int start = i;
    lastComment = null;
    String phrase = phrase();
    if (take('<')) {
      return angle(phrase.isEmpty() ? null : phrase);
    }
    i = start;
    lastComment = null;
    String local = dotAtoms('"');
    String domain = take('@') ? dotAtoms('[') : null;
    skip();
    String name = lastComment;
    // Whatever is left of this address up to the next ',' is not part of it.
    while (i < s.length() && !peek(',') && !peek(';')) {
      i++;
    }
    return filled(name, null, local, domain);
  }

  private Addr angle(String name) {
    skip();
    String route = null;
    if (peek('@')) {
      StringBuilder r = new StringBuilder();
      while (i < s.length() && !peek(':') && !peek('>')) {
        char c = s.charAt(i++);
        if (c > ' ') {
          r.append(c);
        }
      }
      take(':');
      route = r.toString();
    }
    String local = dotAtoms('"');
    String domain = take('@') ? dotAtoms('[') : null;
    while (i < s.length() && !peek('>')) {
      i++;
    }
    i = Math.min(i + 1, s.length());
    skip();
    return filled(name, route, local, domain);
  }

  private static Addr filled(String name, String route, String local, String domain) {
    return new Addr(name, route, local == null || local.isEmpty() ? "MISSING_MAILBOX" : local,
        domain == null || domain.isEmpty() ? "MISSING_DOMAIN" : domain);
  }

  /** Words and quoted strings, joined by single spaces; stops at a special. */
  private String phrase() {
    StringBuilder out = new StringBuilder();
    while (true) {
      skip();
      if (i >= s.length()) {
        return out.toString();
      }
      char c = s.charAt(i);
      String word;
      if (c == '"') {
        word = quoted();
      } else if (isAtom(c) || c == '.') {
        int start = i;
        while (i < s.length() && (isAtom(s.charAt(i)) || s.charAt(i) == '.')) {
          i++;
        }
        word = s.substring(start, i);
      } else {
        return out.toString();
      }
      if (out.length() > 0) {
        out.append(' ');
      }
      out.append(word);
    }
  }

  /**
   * A local part ({@code open} '"': quoted strings within) or a domain ({@code open} '[': a domain literal): atoms
   * and dots, white space and comments left out.
   */
  private String dotAtoms(char open) {
    StringBuilder out = new StringBuilder();
    while (true) {
      skip();
      if (i >= s.length()) {
        return out.toString();
      }
      char c = s.charAt(i);
      if (c == open) {
        out.append(c == '"' ? quoted() : domainLiteral());
      } else if (isAtom(c) || c == '.') {
        out.append(c);
        i++;
      } else {
        return out.toString();
      }
    }
  }

  /** [dtext], brackets kept; an unclosed one runs to the end. */
  private String domainLiteral() {
    int end = s.indexOf(']', i);
    end = end < 0 ? s.length() : end + 1;
    String literal = s.substring(i, end);
    i = end;
    return literal;
  }

  private String quoted() {
    StringBuilder out = new StringBuilder();
    i++;
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

  /** Skips white space and comments; the last comment is remembered (a display name for an addr-spec). */
  private void skip() {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        i++;
      } else if (c == '(') {
        lastComment = comment();
      } else {
        return;
      }
    }
  }

  /** A comment's text: nested comments kept with their parentheses, quoted-pairs unquoted. */
  private String comment() {
    StringBuilder out = new StringBuilder();
    int depth = 0;
    while (i < s.length()) {
      char c = s.charAt(i++);
      if (c == '\\' && i < s.length()) {
        out.append(s.charAt(i++));
        continue;
      }
      if (c == '(' && depth++ == 0) {
        continue;
      }
      if (c == ')' && --depth == 0) {
        break;
      }
      if (c != '\r' && c != '\n') {
        out.append(c);
      }
    }
    return out.toString();
  }

  private boolean peek(char c) {
    return i < s.length() && s.charAt(i) == c;
  }

  /** Consumes {@code c} if it is next. */
  private boolean take(char c) {
    if (peek(c)) {
      i++;
      return true;
    }
    return false;
  }

  private static boolean isAtom(char c) {
    return c > ' ' && c != 0x7f && "()<>[]:;@\\,.\"".indexOf(c) < 0;
  }
}
