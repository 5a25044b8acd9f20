package dovetail.store.dovecot;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte-level helpers for comparing messages as IMAP/POP3 serve them with what was stored. */
public final class MailBytes {
  private static final Pattern MESSAGE_ID =
      Pattern.compile("(?im)^Message-ID:[ \\t]*(<[^>\\r\\n]*>)");

  private MailBytes() {}

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The bytes as IMAP BODY[] and POP3 RETR deliver a Maildir file: every bare LF becomes CRLF, existing CRLF
   * stays. (Dovecot stores what it gets; it converts line ends only on output.)
   */
  public static byte[] crlf(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + bytes.length / 16);
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) {
        out.write('\r');
      }
      out.write(bytes[i]);
    }
    return out.toByteArray();
  }

  /**
   * The bytes POP3 RETR delivers for a stored file (after dot-unstuffing): {@link #crlf} plus a final CRLF when
   * the message does not end with a line end, since the terminating "." must start a line (RFC 1939 3).
   */
  public static byte[] pop3Retr(byte[] bytes) {
    byte[] crlf = crlf(bytes);
    if (crlf.length > 0 && crlf[crlf.length - 1] == '\n') {
      return crlf;
    }
    byte[] out = java.util.Arrays.copyOf(crlf, crlf.length + 2);
    out[crlf.length] = '\r';
    out[crlf.length + 1] = '\n';
    return out;
  }

  /** RFC822.SIZE of a stored file, Dovecot's {@code ,W=}: the size with every bare LF counted as CRLF. */
  public static long virtualSize(byte[] bytes) {
    return crlf(bytes).length;
  }

  /** The number of bare LFs (LF not preceded by CR). */
  public static int bareLineFeeds(byte[] bytes) {
    int n = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) {
        n++;
      }
    }
    return n;
  }

  /** The first Message-ID header's value, angle brackets included. */
  public static Optional<String> messageId(byte[] message) {
    int end = headerEnd(message);
    Matcher m = MESSAGE_ID.matcher(new String(message, 0, end, StandardCharsets.ISO_8859_1));
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  private static int headerEnd(byte[] b) {
    for (int i = 0; i + 1 < b.length; i++) {
      if (b[i] == '\n' && (b[i + 1] == '\n' || (b[i + 1] == '\r' && i + 2 < b.length && b[i + 2] == '\n'))) {
        return i + 1;
      }
    }
    return b.length;
  }

  public static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
