package dovetail.store;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * IMAP modified UTF-7 (RFC 3501 §5.1.3): how Dovecot names folders on disk and how IMAP clients without
 * UTF8=ACCEPT see them. Shared by the store (directory names) and the migrator (legacy LIST names).
 */
public final class ModifiedUtf7 {
  private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getDecoder();

  private ModifiedUtf7() {}

  public static String encode(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c >= 0x20 && c <= 0x7e) {
        out.append(c == '&' ? "&-" : String.valueOf(c));
        i++;
        continue;
      }
      int start = i;
      while (i < text.length() && (text.charAt(i) < 0x20 || text.charAt(i) > 0x7e)) {
        i++;
      }
      byte[] utf16 = text.substring(start, i).getBytes(StandardCharsets.UTF_16BE);
      out.append('&').append(ENCODER.encodeToString(utf16).replace('/', ',')).append('-');
    }
    return out.toString();
  }

  /** @throws IllegalArgumentException when {@code encoded} is not valid modified UTF-7 */
  public static String decode(String encoded) {
    return decode(encoded, Rules.CANONICAL);
  }

  /**
   * A mailbox name from an IMAP client, judged as Dovecot 2.3 judges it (imap-utf7.c): besides what {@link #decode}
   * refuses, an encoded NUL and two encoded runs side by side ("&AOQ-&AOQ-", which one run writes) are refused;
   * padding bits that are not zero are not (Dovecot reads "&AOR-" as "ä"), so a client gets the same answer here.
   *
   * @throws IllegalArgumentException when Dovecot would answer "Mailbox name is not valid mUTF-7"
   */
  public static String decodeClientName(String encoded) {
    return decode(encoded, Rules.DOVECOT_CLIENT);
  }

  /** How strictly a name is read: names on disk and from a legacy server, or a client's as Dovecot reads it. */
  private enum Rules {
    /** Only the canonical form: what {@link #encode} writes. */
    CANONICAL,
    /** What {@link #decodeClientName} says. */
    DOVECOT_CLIENT
  }

  private static String decode(String encoded, Rules rules) {
    StringBuilder out = new StringBuilder(encoded.length());
    int i = 0;
    while (i < encoded.length()) {
      char c = encoded.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new IllegalArgumentException("not modified UTF-7 (8-bit or control character): " + encoded);
      }
      if (c != '&') {
        out.append(c);
        i++;
        continue;
      }
      int end = encoded.indexOf('-', i + 1);
      if (end < 0) {
        throw new IllegalArgumentException("not modified UTF-7 (unterminated '&'): " + encoded);
      }
      if (end == i + 1) {
        out.append('&');
      } else {
        String run = decodeRun(encoded.substring(i + 1, end), encoded, rules);
        if (rules == Rules.DOVECOT_CLIENT && run.indexOf('\0') >= 0) {
          throw new IllegalArgumentException("not modified UTF-7 (encoded NUL): " + encoded);
        }
        if (rules == Rules.DOVECOT_CLIENT && encoded.startsWith("&", end + 1) && !encoded.startsWith("&-", end + 1)) {
          throw new IllegalArgumentException("not modified UTF-7 (adjacent encoded runs): " + encoded);
        }
        out.append(run);
      }
      i = end + 1;
    }
    return out.toString();
  }

  /** The decoded name, or null when it is not valid modified UTF-7. */
  public static String decodeOrNull(String encoded) {
    try {
      return decode(encoded);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String decodeRun(String base64, String whole, Rules rules) {
    if (base64.indexOf('=') >= 0 || base64.indexOf('/') >= 0) {
      throw new IllegalArgumentException("not modified UTF-7 (bad base64): " + whole);
    }
    byte[] bytes;
    try {
      bytes = DECODER.decode(base64.replace(',', '/'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not modified UTF-7 (bad base64): " + whole, e);
    }
    if (bytes.length % 2 != 0) {
      throw new IllegalArgumentException("not modified UTF-7 (odd UTF-16 length): " + whole);
    }
    String run;
    try {
      run = StandardCharsets.UTF_16BE.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("not modified UTF-7 (bad UTF-16): " + whole, e);
    }
    // RFC 3501: printable ASCII must not be base64-encoded; a strict decoder refuses it.
    for (int k = 0; k < run.length(); k++) {
      char ch = run.charAt(k);
      if (ch >= 0x20 && ch <= 0x7e) {
        throw new IllegalArgumentException("not modified UTF-7 (encoded ASCII): " + whole);
      }
    }
    // Round trip check: the canonical encoding must equal the input (no non-zero padding bits).
    if (rules == Rules.CANONICAL
        && !ENCODER.encodeToString(run.getBytes(StandardCharsets.UTF_16BE)).replace('/', ',').equals(base64)) {
      throw new IllegalArgumentException("not modified UTF-7 (non-canonical base64): " + whole);
    }
    return CharBuffer.wrap(run).toString();
  }
}
