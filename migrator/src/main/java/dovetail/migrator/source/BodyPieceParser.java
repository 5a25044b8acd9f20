package dovetail.migrator.source;

import org.eclipse.angus.mail.iap.ByteArray;

/**
 * Recognizes, in the raw bytes of one response, the answer that our body fetches get for almost every
 * message: {@code * n FETCH (UID u BODY[]<o> {len}CRLF<len bytes>)}, with the items in any order and
 * the FLAGS or MODSEQ that some servers add. There is one such response per message, and Angus's
 * general parser (tokens, strings, item objects, each a hot spot the JIT compiles again and again in a
 * short run) cost more CPU than the copy itself. This is one small loop over bytes, with no allocation.
 *
 * <p>Anything else (tagged answers, EXISTS, unsolicited FETCHes, a NIL or quoted body, an item we do not
 * know) is not ours: {@link #parse} returns false and the caller hands the response to Angus.
 */
final class BodyPieceParser {
  private byte[] bytes;
  private int pos;
  private int end;
  private long uid;
  private int origin;
  private int dataStart;
  private int dataLength;

  /** True when {@code raw} is a body FETCH of the usual shape; its parts are then in the getters. */
  boolean parse(ByteArray raw) {
    bytes = raw.getBytes();
    pos = raw.getStart();
    end = pos + raw.getCount() - 2; // the final CRLF
    uid = -1;
    origin = -1;
    dataStart = -1;
    if (end <= pos || bytes[end] != '\r' || bytes[end + 1] != '\n'
        || !word("* ") || number(10) <= 0 || !word(" FETCH (")) {
      return false;
    }
    while (true) {
      if (!item()) {
        return false;
      }
      if (pos < end && bytes[pos] == ' ') {
        pos++;
      } else {
        return pos == end - 1 && bytes[pos] == ')' && uid > 0 && dataStart >= 0;
      }
    }
  }

  long uid() {
    return uid;
  }

  /** The {@code <o>} of {@code BODY[]<o>}, or -1 when the server sent none (it ignored the range). */
  int origin() {
    return origin;
  }

  /** The body bytes, in the raw response's own array: {@code bytes[dataStart, dataStart + dataLength)}. */
  ByteArray data() {
    return new ByteArray(bytes, dataStart, dataLength);
  }

  private boolean item() {
    if (word("UID ")) {
      uid = number(10);
      return uid > 0;
    }
    if (word("BODY[]")) {
      if (pos < end && bytes[pos] == '<') {
        pos++;
        long o = number(10);
        if (o < 0 || o > Integer.MAX_VALUE || !word(">")) {
          return false;
        }
        origin = (int) o;
      }
      return word(" {") && literal();
    }
    if (word("FLAGS (") || word("MODSEQ (")) {
      // Atoms only: a quote, literal or nested list would be something we do not know.
      while (pos < end && bytes[pos] != ')') {
        byte c = bytes[pos++];
        if (c == '(' || c == '"' || c == '{') {
          return false;
        }
      }
      return word(")");
    }
    return false;
  }

  /** After "{": {@code len}CRLF and len bytes, which the framing has already read into the array. */
  private boolean literal() {
    long length = number(10);
    if (length < 0 || !word("}\r\n") || length > end - pos) {
      return false;
    }
    dataStart = pos;
    dataLength = (int) length;
    pos += dataLength;
    return true;
  }

  /** Matches ASCII text, letters in any case (IMAP atoms are case-insensitive), and steps over it. */
  private boolean word(String text) {
    int n = text.length();
    if (end - pos < n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      int c = bytes[pos + i];
      int want = text.charAt(i);
      if (c != want && !(want >= 'A' && want <= 'Z' && c == want + ('a' - 'A'))) {
        return false;
      }
    }
    pos += n;
    return true;
  }

  /** Up to {@code maxDigits} digits as a number, or -1 when there is none or too many. */
  private long number(int maxDigits) {
    long value = 0;
    int start = pos;
    while (pos < end && bytes[pos] >= '0' && bytes[pos] <= '9') {
      if (pos - start == maxDigits) {
        return -1;
      }
      value = value * 10 + (bytes[pos++] - '0');
    }
    return pos == start ? -1 : value;
  }
}
