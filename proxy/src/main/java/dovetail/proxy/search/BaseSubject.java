package dovetail.proxy.search;

import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;

/**
 * The base subject of RFC 5256 §2.1, the key of SORT SUBJECT: the subject with reply and forward markers
 * ("Re:", "Fwd:", "[fwd: ...]", "(fwd)") and leading "[list tags]" taken off, already in i;unicode-casemap form
 * so that the markers are found whatever their case.
 */
final class BaseSubject {
  private BaseSubject() {}

  static String of(String rawSubject) {
    // (1) decode encoded words, then every run of white space becomes one space
    String s = UnicodeCasemap.key(DecoderUtil.decodeEncodedWords(rawSubject, DecodeMonitor.SILENT))
        .replaceAll("[ \\t\\r\\n]+", " ");
    while (true) {
      s = withoutTrailers(s); // (2)
      String before;
      do { // (3) to (5)
        before = s;
        s = withoutLeader(s);
        s = withoutBlobIfSubjectRemains(s);
      } while (!s.equals(before));
      // (6) "[fwd: subject]": unwrap and start over at (2)
      if (s.startsWith("[FWD:") && s.endsWith("]")) {
        s = s.substring(5, s.length() - 1);
      } else {
        return s;
      }
    }
  }

  /** subj-trailer = "(fwd)" / WSP, repeatedly, at the end. */
  private static String withoutTrailers(String s) {
    while (true) {
      if (s.endsWith(" ")) {
        s = s.substring(0, s.length() - 1);
      } else if (s.endsWith("(FWD)")) {
        s = s.substring(0, s.length() - 5);
      } else {
        return s;
      }
    }
  }

  /** subj-leader = (*subj-blob subj-refwd) / WSP, once. */
  private static String withoutLeader(String s) {
    if (s.startsWith(" ")) {
      return s.substring(1);
    }
    int at = 0;
    int afterBlob;
    while ((afterBlob = blobEnd(s, at)) > 0) {
      at = afterBlob;
    }
    // subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"
    if (s.startsWith("RE", at)) {
      at += 2;
    } else if (s.startsWith("FWD", at)) {
      at += 3;
    } else if (s.startsWith("FW", at)) {
      at += 2;
    } else {
      return s;
    }
    while (at < s.length() && s.charAt(at) == ' ') {
      at++;
    }
    int blob = blobEnd(s, at);
    if (blob > 0) {
      at = blob;
    }
    return at < s.length() && s.charAt(at) == ':' ? s.substring(at + 1) : s;
  }

  /** (4): a leading subj-blob goes when something is left of the subject after it. */
  private static String withoutBlobIfSubjectRemains(String s) {
    int end = blobEnd(s, 0);
    return end > 0 && end < s.length() ? s.substring(end) : s;
  }

  /** subj-blob = "[" *BLOBCHAR "]" *WSP, where BLOBCHAR is any CHAR but "[" and "]": the index after it, or -1. */
  private static int blobEnd(String s, int from) {
    if (from >= s.length() || s.charAt(from) != '[') {
      return -1;
    }
    int i = from + 1;
    while (i < s.length() && s.charAt(i) != '[' && s.charAt(i) != ']') {
      i++;
    }
    if (i >= s.length() || s.charAt(i) != ']') {
      return -1;
    }
    i++;
    while (i < s.length() && s.charAt(i) == ' ') {
      i++;
    }
    return i;
  }
}
