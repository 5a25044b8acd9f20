package dovetail.migrator.source;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.Set;
import org.eclipse.angus.mail.iap.ByteArray;

/**
 * Recognizes, in the raw bytes of one response, the answer to our metadata fetch:
 * {@code * n FETCH (UID u FLAGS (...) INTERNALDATE "dd-Mon-yyyy hh:mm:ss +zzzz" RFC822.SIZE s)}, items in
 * any order, MODSEQ besides. One response per message: Angus's parser and its date parser (a Calendar
 * per date) were a large part of a short run's CPU. Flags are taken exactly: Angus files any flag
 * that starts with "\S" as \Seen.
 *
 * <p>Anything else is not ours: {@link #parse} returns null and the caller hands the response to Angus.
 */
final class MetadataParser {
  private static final String[] MONTHS =
      {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  private static final String[] SYSTEM_FLAGS = {"\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft"};

  private final RawCursor in = new RawCursor();
  private final boolean withSize;
  private long uid;
  private Set<String> system;
  private Set<String> keywords;
  private Instant date;
  private long size;

  /** @param withSize whether RFC822.SIZE was asked for (and so must be there) */
  MetadataParser(boolean withSize) {
    this.withSize = withSize;
  }

  /** The message number of the FETCH that {@link #parse} recognized last. */
  long messageNumber() {
    return in.messageNumber();
  }

  /** The message's metadata, or null when {@code raw} is not a metadata FETCH of the usual shape. */
  LegacyMessageInfo parse(ByteArray raw) {
    uid = -1;
    system = null;
    keywords = null;
    date = null;
    size = -1;
    if (!in.reset(raw) || !in.fetchStart()) {
      return null;
    }
    while (item()) {
      if (in.peek() == ' ') {
        in.skip(1);
      } else if (in.atClosingParen() && uid > 0 && system != null && date != null && (size >= 0 || !withSize)) {
        return new LegacyMessageInfo(uid, system, keywords, date, withSize ? size : LegacyMessageInfo.SIZE_UNKNOWN);
      } else {
        return null;
      }
    }
    return null;
  }

  private boolean item() {
    if (in.word("UID ")) {
      uid = in.number(10);
      return uid > 0;
    }
    if (in.word("FLAGS (")) {
      return flags();
    }
    if (in.word("INTERNALDATE \"")) {
      return date();
    }
    if (in.word("RFC822.SIZE ")) {
      size = in.number(18);
      return size >= 0;
    }
    return in.word("MODSEQ (") && in.skipAtomList();
  }

  /** After "(": atoms up to ")". \Recent is session state and dropped (RFC 3501 2.3.2). */
  private boolean flags() {
    system = new HashSet<>();
    keywords = new HashSet<>();
    byte[] b = in.bytes();
    while (in.peek() != ')') {
      int start = in.position();
      int c;
      while ((c = in.peek()) > ' ' && c < 0x7f && c != ')' && c != '(' && c != '"' && c != '{' && c != '%'
          && c != '*' && c != ']') {
        in.skip(1);
      }
      int length = in.position() - start;
      if (length == 0 || (c != ' ' && c != ')')) {
        return false;
      }
      if (c == ' ') {
        in.skip(1);
      }
      String flag = new String(b, start, length, StandardCharsets.US_ASCII);
      if (flag.charAt(0) != '\\') {
        keywords.add(flag);
      } else if (!flag.equalsIgnoreCase("\\Recent")) {
        system.add(canonical(flag));
      }
    }
    in.skip(1);
    return true;
  }

  private static String canonical(String flag) {
    for (String known : SYSTEM_FLAGS) {
      if (known.equalsIgnoreCase(flag)) {
        return known;
      }
    }
    return flag;
  }

  /** After the opening quote: {@code dd-Mon-yyyy hh:mm:ss +zzzz"}, the day maybe space-padded. */
  private boolean date() {
    if (in.peek() == ' ') {
      in.skip(1);
    }
    long day = in.number(2);
    if (day < 1 || !in.word("-")) {
      return false;
    }
    int month = 0;
    while (month < 12 && !in.word(MONTHS[month])) {
      month++;
    }
    if (month == 12 || !in.word("-")) {
      return false;
    }
    int year = in.fixed(4);
    if (year < 0 || !in.word(" ")) {
      return false;
    }
    int hour = in.fixed(2);
    int minute = in.word(":") ? in.fixed(2) : -1;
    int second = in.word(":") ? in.fixed(2) : -1;
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || !in.word(" ")) {
      return false;
    }
    int sign = in.word("+") ? 1 : in.word("-") ? -1 : 0;
    int zone = in.fixed(4);
    if (sign == 0 || zone < 0 || zone % 100 > 59 || !in.word("\"")) {
      return false;
    }
    try {
      long local = LocalDate.of(year, month + 1, (int) day).toEpochDay() * 86_400 + hour * 3600 + minute * 60 + second;
      date = Instant.ofEpochSecond(local - sign * ((zone / 100) * 3600L + (zone % 100) * 60L));
      return true;
    } catch (DateTimeException e) {
      return false; // e.g. 31-Feb: Angus's lenient parser decides
    }
  }
}
