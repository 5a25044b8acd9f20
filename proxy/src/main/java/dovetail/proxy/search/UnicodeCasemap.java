package dovetail.proxy.search;

import java.text.Normalizer;

/**
 * The i;unicode-casemap collation (RFC 5051) that RFC 5256 SORT uses for strings: each character titlecased,
 * then the string decomposed; keys compare by code point (which is the octet order of their UTF-8 form).
 */
final class UnicodeCasemap {
  private UnicodeCasemap() {}

  static String key(String s) {
    StringBuilder titled = new StringBuilder(s.length());
    s.codePoints().forEach(cp -> titled.appendCodePoint(Character.toTitleCase(cp)));
    return Normalizer.normalize(titled, Normalizer.Form.NFKD);
  }

  /** Code point order; String.compareTo would order UTF-16 units, which differs above U+FFFF. */
  static int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int x = a.codePointAt(i);
      int y = b.codePointAt(j);
      if (x != y) {
        return Integer.compare(x, y);
      }
      i += Character.charCount(x);
      j += Character.charCount(y);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
