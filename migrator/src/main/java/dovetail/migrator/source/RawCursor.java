package dovetail.migrator.source;

import org.eclipse.angus.mail.iap.ByteArray;

/**
 * A position in the raw bytes of one response (as {@link WireProtocol#readRaw} returns them), for the
 * small parsers that recognize our own bulk FETCH answers without Angus's parser. It never allocates.
 */
final class RawCursor {
  private byte[] bytes;
  private int pos;
  private int end;
  private long messageNumber;

  /**
   * Starts at the response's first byte; the end is before its final CRLF. False when there is no
   * final CRLF (then it is no response these parsers know).
   */
  boolean reset(ByteArray raw) {
    bytes = raw.getBytes();
    pos = raw.getStart();
    end = pos + raw.getCount() - 2;
    return end > pos && bytes[end] == '\r' && bytes[end + 1] == '\n';
  }

  byte[] bytes() {
    return bytes;
  }

  int position() {
    return pos;
  }

  int remaining() {
    return end - pos;
  }

  /** The next byte, or -1 at the end. */
  int peek() {
    return pos < end ? bytes[pos] : -1;
  }

  void skip(int n) {
    pos += n;
  }

  /** True when only {@code ")"} is left: the end of a FETCH item list. */
  boolean atClosingParen() {
    return pos == end - 1 && bytes[pos] == ')';
  }

  /** Matches ASCII text, letters in any case (IMAP atoms are case-insensitive), and steps over it. */
  boolean word(String text) {
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
  long number(int maxDigits) {
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

  /** Exactly {@code digits} digits as a number, or -1. */
  int fixed(int digits) {
    if (end - pos < digits) {
      return -1;
    }
    int value = 0;
    for (int i = 0; i < digits; i++) {
      int c = bytes[pos + i];
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    pos += digits;
    return value;
  }

  /**
   * {@code "* n FETCH ("} with n a message number: the start of every response these parsers know.
   */
  boolean fetchStart() {
    return word("* ") && (messageNumber = number(10)) > 0 && word(" FETCH (");
  }

  /** The message number of the FETCH that {@link #fetchStart} recognized last. */
  long messageNumber() {
    return messageNumber;
  }

  /**
   * After {@code "("}: a list of atoms up to {@code ")"}, stepped over. False for anything else inside
   * (a quote, a literal, a nested list), which the callers leave to Angus.
   */
  boolean skipAtomList() {
    while (pos < end && bytes[pos] != ')') {
      byte c = bytes[pos++];
      if (c == '(' || c == '"' || c == '{') {
        return false;
      }
    }
    return word(")");
  }
}
