package dovetail.migrator.pop3;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/**
 * A hash of a message header that is the same whether the header came from IMAP BODY.PEEK[HEADER] or from
 * POP3 TOP n 0, following Dovecot's pop3-migration plugin (pop3_migration_get_hdr_sha1) and
 * message_header_hash_more version 2:
 * <ul>
 *   <li>headers that servers add or change differently in IMAP and POP3 are left out (Return-Path, Status,
 *       X-UID, ...), and so are headers whose names are not printable ASCII (Yahoo drops them in IMAP);</li>
 *   <li>the header ends at the blank line, or at a line of only CRs (servers disagree there);</li>
 *   <li>CRs are dropped, and every run of control, 8-bit and '?' bytes (but TAB and LF) becomes one '?'
 *       (servers replace NULs and 8-bit bytes differently).</li>
 * </ul>
 */
public final class HeaderHash {
  /** Dovecot's hdr_hash_skip_headers. */
  static final Set<String> SKIPPED = Set.of("content-length", "return-path", "status", "x-imap", "x-imapbase",
      "x-keywords", "x-message-flag", "x-status", "x-uid", "x-uidl", "x-yahoo-newman-property");

  private HeaderHash() {}

  /** The hex SHA-1 of the normalised header of {@code message} (a header alone, or a whole message). */
  public static String of(byte[] message) {
    MessageDigest sha1;
    try {
      sha1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    Normaliser out = new Normaliser(sha1);
    boolean skipping = false;
    int pos = 0;
    while (pos < message.length) {
      int end = indexOfLf(message, pos);
      int next = end < 0 ? message.length : end + 1;
      int contentEnd = end < 0 ? message.length : end;
      int lineEnd = contentEnd > pos && message[contentEnd - 1] == '\r' ? contentEnd - 1 : contentEnd;
      if (lineEnd == pos) {
        out.line(message, pos, pos); // the blank line that ends the header
        break;
      }
      int stripped = lineEnd;
      while (stripped > pos && message[stripped - 1] == '\r') {
        stripped--;
      }
      if (stripped == pos) {
        break; // CR+CR+LF: some servers end the header here, others do not; stop, without the blank line
      }
      boolean continuation = message[pos] == ' ' || message[pos] == '\t';
      if (!continuation) {
        skipping = skip(message, pos, stripped);
      }
      if (!skipping) {
        out.line(message, pos, stripped);
      }
      pos = next;
    }
    return HexFormat.of().formatHex(sha1.digest());
  }

  /** A header line to leave out: a skipped name, an invalid name, or a line that is no header at all. */
  private static boolean skip(byte[] m, int from, int to) {
    int colon = -1;
    for (int i = from; i < to; i++) {
      if (m[i] == ':') {
        colon = i;
        break;
      }
    }
    int nameEnd = colon < 0 ? to : colon;
    while (nameEnd > from && (m[nameEnd - 1] == ' ' || m[nameEnd - 1] == '\t')) {
      nameEnd--;
    }
    for (int i = from; i < nameEnd; i++) {
      if ((m[i] & 0xff) <= 0x20 || (m[i] & 0xff) >= 0x7f) {
        return true;
      }
    }
    if (colon < 0) {
      return false; // a line without ':' is kept as it is, like Dovecot's header parser does
    }
    String name = new String(m, from, nameEnd - from, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
    return SKIPPED.contains(name);
  }

  private static int indexOfLf(byte[] m, int from) {
    for (int i = from; i < m.length; i++) {
      if (m[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** Feeds lines (LF-terminated, CR-free) into the digest with the '?' normalisation. */
  private static final class Normaliser {
    private final MessageDigest digest;
    private boolean lastWasQuestionMark;

    Normaliser(MessageDigest digest) {
      this.digest = digest;
    }

    void line(byte[] m, int from, int to) {
      for (int i = from; i < to; i++) {
        int b = m[i] & 0xff;
        if (b == '\r') {
          continue;
        }
        boolean odd = (b < 0x20 || b >= 0x7f || b == '?') && b != '\t';
        if (odd) {
          if (!lastWasQuestionMark) {
            digest.update((byte) '?');
          }
          lastWasQuestionMark = true;
        } else {
          digest.update((byte) b);
          lastWasQuestionMark = false;
        }
      }
      digest.update((byte) '\n');
      lastWasQuestionMark = false;
    }
  }
}
