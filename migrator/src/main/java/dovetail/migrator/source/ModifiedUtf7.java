package dovetail.migrator.source;

import java.util.Optional;

/**
 * Decodes IMAP's modified UTF-7 mailbox names (RFC 3501 section 5.1.3). Strict: a name that a
 * conforming encoder could not have produced is reported as invalid instead of being guessed at, so
 * the caller can keep it verbatim and say so.
 */
final class ModifiedUtf7 {
  private ModifiedUtf7() {}

  /**
   * @param wire the name as octets, one char per octet
   * @return the Unicode name, or empty when {@code wire} is not valid modified UTF-7
   */
  static Optional<String> decode(String wire) {
    StringBuilder out = new StringBuilder(wire.length());
    int i = 0;
    int n = wire.length();
    while (i < n) {
      char c = wire.charAt(i++);
      if (c < 0x20 || c > 0x7e) {
        return Optional.empty(); // 8-bit or control octet: not mUTF-7 at all
      }
      if (c != '&') {
        out.append(c);
      } else if (i < n && wire.charAt(i) == '-') {
        out.append('&');
        i++;
      } else {
        i = decodeShifted(wire, i, out);
        if (i < 0) {
          return Optional.empty();
        }
      }
    }
    return Optional.of(out.toString());
  }

  /** Decodes base64 from {@code start} up to and including the closing '-'; returns the next index or -1. */
  private static int decodeShifted(String wire, int start, StringBuilder out) {
    int bits = 0;
    int bitCount = 0;
    char highSurrogate = 0;
    int i = start;
    while (true) {
      if (i >= wire.length()) {
        return -1; // unterminated shift
      }
      char c = wire.charAt(i++);
      if (c == '-') {
        break;
      }
      int value = base64Value(c);
      if (value < 0) {
        return -1;
      }
      bits = (bits << 6) | value;
      bitCount += 6;
      if (bitCount >= 16) {
        bitCount -= 16;
        char unit = (char) ((bits >>> bitCount) & 0xffff);
        bits &= (1 << bitCount) - 1;
        if (unit < 0x80) {
          return -1; // RFC 3501: ASCII must represent itself, never be shifted
        }
        if (Character.isHighSurrogate(unit)) {
          if (highSurrogate != 0) {
            return -1;
          }
          highSurrogate = unit;
        } else if (Character.isLowSurrogate(unit)) {
          if (highSurrogate == 0) {
            return -1;
          }
          out.append(highSurrogate).append(unit);
          highSurrogate = 0;
        } else {
          if (highSurrogate != 0) {
            return -1;
          }
          out.append(unit);
        }
      }
    }
    // A conforming encoder pads with at most 4 zero bits and never leaves half a surrogate pair.
    if (i == start + 1 || bitCount >= 6 || bits != 0 || highSurrogate != 0) {
      return -1;
    }
    return i;
  }

  /** Modified base64: RFC 2045's alphabet with ',' instead of '/'. */
  private static int base64Value(char c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    if (c == '+') {
      return 62;
    }
    if (c == ',') {
      return 63;
    }
    return -1;
  }
}
