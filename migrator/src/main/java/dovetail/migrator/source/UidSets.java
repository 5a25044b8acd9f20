package dovetail.migrator.source;

/** IMAP sequence sets of UIDs (RFC 3501 9, "sequence-set"), with runs collapsed: 1:3,7,9:10. */
final class UidSets {
  private UidSets() {}

  /** @param sorted strictly ascending UIDs; formats {@code sorted[from..to)} */
  static String format(long[] sorted, int from, int to) {
    StringBuilder out = new StringBuilder();
    int i = from;
    while (i < to) {
      int j = i;
      while (j + 1 < to && sorted[j + 1] == sorted[j] + 1) {
        j++;
      }
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(sorted[i]);
      if (j > i) {
        out.append(':').append(sorted[j]);
      }
      i = j + 1;
    }
    return out.toString();
  }
}
