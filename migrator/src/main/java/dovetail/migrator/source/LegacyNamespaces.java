package dovetail.migrator.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;

/**
 * The legacy server's namespaces (RFC 2342 NAMESPACE): which listed names are the user's own and which belong to
 * other users or are shared. Prefixes are kept as raw octets, as {@link LegacyFolder} names are, so they compare
 * with listed names as sent.
 */
final class LegacyNamespaces {
  enum Kind {
    PERSONAL("personal"), OTHER_USERS("other users"), SHARED("shared");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /** @param separator the namespace's hierarchy separator, or {@link LegacyFolder#NO_SEPARATOR} (NIL) */
  record Namespace(Kind kind, String prefix, char separator) {
    /** Whether {@code name} is this namespace's prefix itself or below it. An empty prefix holds every name. */
    boolean holds(String name) {
      if (prefix.isEmpty()) {
        return true;
      }
      // Personal "INBOX." holds "inbox.Sent": INBOX is case-insensitive (RFC 3501 5.1).
      boolean ignoreCase = prefix.regionMatches(true, 0, "INBOX", 0, 5);
      boolean endsWithSeparator = separator != LegacyFolder.NO_SEPARATOR
          && prefix.charAt(prefix.length() - 1) == separator;
      String bare = endsWithSeparator ? prefix.substring(0, prefix.length() - 1) : prefix;
      if (name.length() == bare.length()) {
        return name.regionMatches(ignoreCase, 0, bare, 0, bare.length());
      }
      if (endsWithSeparator) {
        return name.regionMatches(ignoreCase, 0, prefix, 0, prefix.length());
      }
      return separator != LegacyFolder.NO_SEPARATOR && name.length() > bare.length()
          && name.regionMatches(ignoreCase, 0, bare, 0, bare.length()) && name.charAt(bare.length()) == separator;
    }

    /** For the log: kind and prefix, the prefix cut short. */
    String describe() {
      String shown = prefix.length() > 40 ? prefix.substring(0, 40) + "..." : prefix;
      return kind.label + " \"" + shown + "\"";
    }
  }

  private final List<Namespace> namespaces;

  LegacyNamespaces(List<Namespace> namespaces) {
    this.namespaces = List.copyOf(namespaces);
  }

  List<Namespace> all() {
    return namespaces;
  }

  /** Whether the server named a personal namespace: without one, nothing tells the user's own folders apart. */
  boolean hasPersonal() {
    return namespaces.stream().anyMatch(n -> n.kind() == Kind.PERSONAL);
  }

  /**
   * The other users' or shared namespace that holds {@code legacyName}, if that is the most specific namespace
   * holding it (the longest prefix; personal wins a tie). INBOX is always the user's own; so is a name that no
   * namespace holds.
   */
  Optional<Namespace> foreign(String legacyName) {
    if (legacyName.equalsIgnoreCase("INBOX")) {
      return Optional.empty();
    }
    Namespace best = null;
    for (Namespace ns : namespaces) {
      if (!ns.holds(legacyName)) {
        continue;
      }
      if (best == null || ns.prefix.length() > best.prefix.length()
          || (ns.prefix.length() == best.prefix.length() && ns.kind == Kind.PERSONAL)) {
        best = ns;
      }
    }
    return best == null || best.kind == Kind.PERSONAL ? Optional.empty() : Optional.of(best);
  }

  /**
   * Parses an untagged NAMESPACE response, positioned after the keyword:
   * {@code namespace-response = "NAMESPACE" SP 3(nil / "(" 1*( "(" string SP (DQUOTE char DQUOTE / nil)
   * *(extension) ")" ) ")")}.
   */
  static LegacyNamespaces parse(Response r) throws ProtocolException {
    List<Namespace> out = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      r.skipSpaces();
      if (r.peekByte() != '(') {
        String nil = r.readAtom();
        if (nil == null || !nil.equalsIgnoreCase("NIL")) {
          throw new ProtocolException("NAMESPACE: expected a list or NIL for " + kind.label + ", got " + nil);
        }
        continue;
      }
      r.readByte();
      while (r.isNextNonSpace('(')) {
        String prefix = r.readString();
        if (prefix == null) {
          throw new ProtocolException("NAMESPACE: a " + kind.label + " namespace without prefix");
        }
        out.add(new Namespace(kind, prefix, separator(r)));
        // RFC 2342 Namespace_Response_Extension: SP string SP "(" string *(SP string) ")"
        while (!r.isNextNonSpace(')')) {
          if (r.readString() == null || r.readStringList() == null) {
            throw new ProtocolException("NAMESPACE: unreadable extension in a " + kind.label + " namespace");
          }
        }
      }
      if (!r.isNextNonSpace(')')) {
        throw new ProtocolException("NAMESPACE: unterminated " + kind.label + " list");
      }
    }
    return new LegacyNamespaces(out);
  }

  private static char separator(Response r) throws ProtocolException {
    r.skipSpaces();
    if (r.peekByte() != '"') {
      String nil = r.readAtom();
      if (nil == null || !nil.equalsIgnoreCase("NIL")) {
        throw new ProtocolException("NAMESPACE: expected a separator or NIL, got " + nil);
      }
      return LegacyFolder.NO_SEPARATOR;
    }
    r.readByte();
    char separator = (char) (r.readByte() & 0xff);
    if (separator == '\\') {
      separator = (char) (r.readByte() & 0xff);
    }
    if (r.readByte() != '"') {
      throw new ProtocolException("NAMESPACE: a separator of more than one character");
    }
    return separator;
  }
}
