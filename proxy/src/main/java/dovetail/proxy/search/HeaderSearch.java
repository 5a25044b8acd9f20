package dovetail.proxy.search;

import java.util.regex.Pattern;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;

/**
 * SEARCH SUBJECT/FROM/TO/CC/BCC/HEADER (RFC 3501 §6.4.4) as Dovecot's index-search.c answers them: every field of
 * that name counts; its value is taken as UTF-8 whether written raw (8-bit) or in encoded words (RFC 2047), and both
 * sides compare under i;unicode-casemap (Dovecot's default search comparator). James 3.8.1 read raw 8-bit octets
 * as US-ASCII, so a raw UTF-8 Subject never matched.
 */
final class HeaderSearch {
  private static final Pattern BLANKS = Pattern.compile("[ \\t]+");
  private HeaderSearch() {}

  /** RFC 3501: an empty string matches every message that has the field. */
  static boolean contains(HeaderFields header, String field, String wanted) {
    String key = UnicodeCasemap.key(wanted);
    for (String value : header.all(field)) {
      if (key.isEmpty() || UnicodeCasemap.key(decoded(value)).contains(key)) {
        return true;
      }
    }
    return false;
  }

  /** Encoded words decoded; runs of white space (left by unfolding) read as one space, as Dovecot's decoder does. */
  private static String decoded(String value) {
    String decoded = DecoderUtil.decodeEncodedWords(value, DecodeMonitor.SILENT);
    return BLANKS.matcher(decoded).replaceAll(" ");
  }
}
