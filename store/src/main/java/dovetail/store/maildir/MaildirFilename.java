package dovetail.store.maildir;

import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Maildir message filenames, as Dovecot's maildir-filename.c reads them:
 * {@code <base>[,S=<size>][,W=<vsize>]:2,<flags>}. The "base name" used to match uidlist records is
 * everything before the first ':'.
 */
final class MaildirFilename {
  static final char INFO_SEP = ':';
  static final String INFO_PREFIX = ":2,";

  private static final AtomicLong COUNTER = new AtomicLong();

  private MaildirFilename() {}

  /** The name up to (excluding) the first ':'; it includes any ,S= and ,W=. */
  static String baseName(String fileName) {
    int colon = fileName.indexOf(INFO_SEP);
    return colon < 0 ? fileName : fileName.substring(0, colon);
  }

  /** The flag letters after ":2,", or "" when there is no such info. */
  static String flagLetters(String fileName) {
    int at = fileName.indexOf(INFO_PREFIX);
    return at < 0 ? "" : fileName.substring(at + INFO_PREFIX.length());
  }

  /** A ",X=<n>" field of the base name, or -1 when absent or not a number. */
  static long sizeField(String baseName, char key) {
    int at = baseName.indexOf(',');
    while (at >= 0 && !isField(baseName, at, key)) {
      at = baseName.indexOf(',', at + 1);
    }
    if (at < 0) {
      return -1;
    }
    int start = at + 3;
    int end = start;
    while (end < baseName.length() && Character.isDigit(baseName.charAt(end))) {
      end++;
    }
    if (end == start) {
      return -1;
    }
    try {
      return Long.parseLong(baseName.substring(start, end));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Whether ",X=" starts at {@code comma}. */
  private static boolean isField(String name, int comma, char key) {
    return comma + 2 < name.length() && name.charAt(comma + 1) == key && name.charAt(comma + 2) == '=';
  }

  /** A fresh unique base (without sizes), shaped like Dovecot's {@code <secs>.M<usecs>P<pid>Q<n>.<host>}. */
  static String newBase(long epochMicros) {
    return (epochMicros / 1_000_000) + ".M" + (epochMicros % 1_000_000) + "P" + ProcessHandle.current().pid()
        + "Q" + COUNTER.incrementAndGet() + "." + HostName.forFilename();
  }

  static String withSizes(String base, long size, long virtualSize) {
    return base + ",S=" + size + ",W=" + virtualSize;
  }

  /** {@code <base>:2,<letters>}, letters sorted as Dovecot writes them (system uppercase, then keywords a..z). */
  static String withFlags(String baseName, String letters) {
    char[] sorted = letters.toCharArray();
    java.util.Arrays.sort(sorted);
    return baseName + INFO_PREFIX + new String(sorted);
  }

  /**
   * The order in which Dovecot gives UIDs to files it finds without a uidlist record
   * (maildir_filename_sort_cmp): leading decimal seconds, then the M microseconds, then the name.
   */
  static final Comparator<String> DOVECOT_SORT_ORDER =
      Comparator.comparingLong((String n) -> leadingNumber(n, 0))
          .thenComparingLong(MaildirFilename::microseconds)
          .thenComparing(Comparator.naturalOrder());

  /** The decimal seconds a name begins with (Dovecot's names begin with the delivery's time), or 0. */
  static long leadingSeconds(String name) {
    return leadingNumber(name, 0);
  }

  private static long microseconds(String name) {
    int dot = name.indexOf('.');
    if (dot < 0 || dot + 1 >= name.length() || name.charAt(dot + 1) != 'M') {
      return 0;
    }
    return leadingNumber(name, dot + 2);
  }

  private static long leadingNumber(String s, int from) {
    long v = 0;
    int i = from;
    while (i < s.length() && Character.isDigit(s.charAt(i)) && i - from < 18) {
      v = v * 10 + (s.charAt(i) - '0');
      i++;
    }
    return v;
  }
}
