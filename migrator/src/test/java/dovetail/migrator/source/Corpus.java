package dovetail.migrator.source;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** Messages that real legacy servers hold, as exact bytes. */
final class Corpus {
  private Corpus() {}

  static final byte[] CLEAN = ("From: Alice <alice@example.com>\r\nTo: bob@example.com\r\n"
      + "Subject: clean\r\nDate: Mon, 1 Feb 2021 10:11:12 +0100\r\nMessage-ID: <clean@example.com>\r\n\r\n"
      + "Hello Bob,\r\n\r\nsee you.\r\n").getBytes(ISO_8859_1);

  static final byte[] BARE_LF =
      "From: alice@example.com\nSubject: bare LF\n\nline one\nline two\n".getBytes(ISO_8859_1);

  /** No blank line, no final line end: everything is header. */
  static final byte[] HEADER_ONLY = "From: alice@example.com\r\nSubject: header only".getBytes(ISO_8859_1);

  /** Raw UTF-8 in headers, no MIME encoding. */
  static final byte[] EIGHT_BIT_HEADERS = ("From: J\u00f6rg <joerg@example.com>\r\nSubject: Gr\u00fc\u00dfe aus K\u00f6ln\r\n"
      + "\r\nK\u00f6rper\r\n").getBytes(UTF_8);

  static final byte[] EMPTY_BODY = "From: alice@example.com\r\nSubject: empty\r\n\r\n".getBytes(ISO_8859_1);

  /** A well-formed message of exactly {@code size} bytes, CRLF lines, deterministic content. */
  static byte[] sized(int size, long seed) {
    byte[] head = ("From: alice@example.com\r\nSubject: sized " + size + "\r\n\r\n").getBytes(ISO_8859_1);
    if (size < head.length + 2) {
      throw new IllegalArgumentException("too small: " + size);
    }
    byte[] out = new byte[size];
    System.arraycopy(head, 0, out, 0, head.length);
    Random random = new Random(seed);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    int column = 0;
    for (int i = head.length; i < size - 2; i++) {
      if (column == 76 && i < size - 3) {
        out[i++] = '\r';
        out[i] = '\n';
        column = 0;
        continue;
      }
      out[i] = (byte) alphabet.charAt(random.nextInt(64));
      column++;
    }
    out[size - 2] = '\r';
    out[size - 1] = '\n';
    return out;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
