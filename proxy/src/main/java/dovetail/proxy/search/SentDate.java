package dovetail.proxy.search;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Date: header value (RFC 5322 §3.3, with the obsolete forms of §4.3) as the sender wrote it: the wall-clock
 * time and the zone offset, kept apart. SENTBEFORE/SENTON/SENTSINCE compare the sender's own calendar date
 * (RFC 3501 §6.4.4: "disregarding time and timezone"), and SORT DATE compares the instant (RFC 5256 §3).
 */
record SentDate(LocalDateTime local, int offsetMinutes) {
  private static final List<String> MONTHS =
      List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");
  private static final Pattern TIME = Pattern.compile("(\\d{1,2})[:.](\\d{2})(?:[:.](\\d{2}))?");
  private static final Pattern NUMERIC_ZONE = Pattern.compile("([+-])(\\d{2})(\\d{2})");

  /** The day the sender's clock showed. */
  LocalDate day() {
    return local.toLocalDate();
  }

  Instant instant() {
    return local.toInstant(ZoneOffset.UTC).minusSeconds(offsetMinutes * 60L);
  }

  /** Empty when the value is not a date (a client's garbage, a missing field). Lenient where mailers are sloppy. */
  static Optional<SentDate> parse(String value) {
    List<String> t = tokens(value);
    int i = 0;
    if (i < t.size() && !t.get(i).isEmpty() && Character.isLetter(t.get(i).charAt(0))) {
      i++; // day of week
      if (i < t.size() && t.get(i).equals(",")) {
        i++;
      }
    }
    if (t.size() < i + 4) {
      return Optional.empty();
    }
    String day = t.get(i);
    String month = t.get(i + 1).toLowerCase(Locale.ROOT);
    String year = t.get(i + 2);
    Matcher time = TIME.matcher(t.get(i + 3));
    int monthIndex = month.length() >= 3 ? MONTHS.indexOf(month.substring(0, 3)) : -1;
    if (!day.matches("\\d{1,2}") || monthIndex < 0 || !year.matches("\\d{2,4}") || !time.matches()) {
      return Optional.empty();
    }
    int y = Integer.parseInt(year);
    if (year.length() == 2) {
      y += y < 50 ? 2000 : 1900; // RFC 5322 §4.3, obs-year
    } else if (year.length() == 3) {
      y += 1900;
    }
    try {
      LocalDateTime local = LocalDateTime.of(y, monthIndex + 1, Integer.parseInt(day), Integer.parseInt(time.group(1)),
          Integer.parseInt(time.group(2)), time.group(3) == null ? 0 : Integer.parseInt(time.group(3)));
      return Optional.of(new SentDate(local, i + 4 < t.size() ? zone(t.get(i + 4)) : 0));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Minutes east of UTC. RFC 5322 §4.3: the obsolete US zones have fixed offsets; military letters and unknown
   * names carry no reliable information and count as -0000 (UTC), as a missing zone does.
   */
  static int zone(String z) {
    Matcher numeric = NUMERIC_ZONE.matcher(z);
    if (numeric.matches()) {
      int minutes = Integer.parseInt(numeric.group(2)) * 60 + Integer.parseInt(numeric.group(3));
      return numeric.group(1).equals("-") ? -minutes : minutes;
    }
    return switch (z.toUpperCase(Locale.ROOT)) {
      case "EDT" -> -4 * 60;
      case "EST", "CDT" -> -5 * 60;
      case "CST", "MDT" -> -6 * 60;
      case "MST", "PDT" -> -7 * 60;
      case "PST" -> -8 * 60;
      default -> 0;
    };
  }

  /** Words, with comments dropped and "," kept as a token of its own. */
  private static List<String> tokens(String value) {
    List<String> out = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    int depth = 0;
    for (int k = 0; k < value.length(); k++) {
      char c = value.charAt(k);
      if (c == '(') {
        depth++;
      } else if (c == ')' && depth > 0) {
        depth--;
      } else if (depth > 0) {
        continue;
      } else if (c == ',' || Character.isWhitespace(c)) {
        if (!word.isEmpty()) {
          out.add(word.toString());
          word.setLength(0);
        }
        if (c == ',') {
          out.add(",");
        }
        continue;
      } else {
        word.append(c);
        continue;
      }
      if (!word.isEmpty()) {
        out.add(word.toString());
        word.setLength(0);
      }
    }
    if (!word.isEmpty()) {
      out.add(word.toString());
    }
    return out;
  }
}
