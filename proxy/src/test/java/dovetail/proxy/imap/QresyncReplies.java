package dovetail.proxy.imap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the parts of IMAP responses that QRESYNC tests compare: VANISHED sets, FETCH flags, mod-sequences. */
final class QresyncReplies {
  private static final Pattern UIDVALIDITY = Pattern.compile("\\[UIDVALIDITY (\\d+)\\]");
  private static final Pattern HIGHEST = Pattern.compile("HIGHESTMODSEQ (\\d+)");
  private static final Pattern UID = Pattern.compile("[(\\s]UID (\\d+)");
  private static final Pattern FLAGS = Pattern.compile("FLAGS \\(([^)]*)\\)");
  private static final Pattern MODSEQ = Pattern.compile("MODSEQ \\((\\d+)\\)");

  private QresyncReplies() {}

  static long uidValidity(List<String> lines) {
    return number(lines, UIDVALIDITY);
  }

  static long highestModSeq(List<String> lines) {
    return number(lines, HIGHEST);
  }

  private static long number(List<String> lines, Pattern p) {
    for (String l : lines) {
      Matcher m = p.matcher(l);
      if (m.find()) {
        return Long.parseLong(m.group(1));
      }
    }
    throw new AssertionError("no " + p + " in " + lines);
  }

  /** The UIDs of every "* VANISHED (EARLIER)" (earlier = true) or plain "* VANISHED" line, expanded. */
  static TreeSet<Long> vanished(List<String> lines, boolean earlier) {
    String prefix = earlier ? "* VANISHED (EARLIER) " : "* VANISHED ";
    TreeSet<Long> out = new TreeSet<>();
    for (String l : lines) {
      if (!l.startsWith(prefix) || (!earlier && l.startsWith("* VANISHED (EARLIER)"))) {
        continue;
      }
      for (String part : l.substring(prefix.length()).trim().split(",")) {
        String[] ends = part.split(":");
        long a = Long.parseLong(ends[0]);
        long b = ends.length > 1 ? Long.parseLong(ends[1]) : a;
        for (long u = Math.min(a, b); u <= Math.max(a, b); u++) {
          out.add(u);
        }
      }
    }
    return out;
  }

  /** UID to sorted flags, of every untagged FETCH that carries FLAGS; every one must carry its UID. */
  static Map<Long, List<String>> flagFetches(List<String> lines) {
    Map<Long, List<String>> out = new TreeMap<>();
    for (String l : fetches(lines)) {
      Matcher f = FLAGS.matcher(l);
      if (!f.find()) {
        continue;
      }
      Matcher u = UID.matcher(l);
      if (!u.find()) {
        throw new AssertionError("a FETCH without UID after ENABLE QRESYNC: " + l);
      }
      List<String> flags = new ArrayList<>(Arrays.asList(f.group(1).trim().split("\\s+")));
      flags.removeIf(String::isEmpty);
      flags.remove("\\Recent");
      flags.sort(null);
      out.put(Long.parseLong(u.group(1)), flags);
    }
    return out;
  }

  static List<String> fetches(List<String> lines) {
    return lines.stream().filter(l -> l.startsWith("* ") && l.contains(" FETCH (")).toList();
  }

  static long modSeq(String fetch) {
    Matcher m = MODSEQ.matcher(fetch);
    if (!m.find()) {
      throw new AssertionError("no MODSEQ in " + fetch);
    }
    return Long.parseLong(m.group(1));
  }

  static boolean hasExpunge(List<String> lines) {
    return lines.stream().anyMatch(l -> l.matches("\\* \\d+ EXPUNGE"));
  }
}
