package dovetail.proxy.search;

/**
 * Looks for one string in text that comes in pieces, under i;unicode-casemap (Dovecot's default search comparator,
 * see {@link UnicodeCasemap}): a match may span pieces, so the end of what was seen is kept until {@link #reset}.
 */
final class TextFinder {
  private final String key;
  /** The last key.length() - 1 characters seen: the start of a match that the next piece may finish. */
  private String tail = "";

  TextFinder(String wanted) {
    this.key = UnicodeCasemap.key(wanted);
  }

  /** RFC 3501 §6.4.4: an empty string is in every text. */
  boolean matchesAnything() {
    return key.isEmpty();
  }

  /** Whether the key ends in this piece (it may start in the pieces before). */
  boolean feed(String piece) {
    String text = tail + UnicodeCasemap.key(piece);
    if (text.contains(key)) {
      return true;
    }
    tail = text.substring(text.length() - Math.min(text.length(), key.length() - 1));
    return false;
  }

  /** The next piece starts new text (another MIME part): no match spans into it. */
  void reset() {
    tail = "";
  }
}
