package dovetail.proxy.imap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One MIME entity of a message as clients see it (CRLF line ends), by byte offsets: its header is
 * {@code [headerStart, bodyStart)}, its body {@code [bodyStart, end)}. A multipart has children; a message/rfc822
 * part has the message it carries, which spans its body (RFC 3501 §6.4.5 numbers through it). Only the header
 * fields that ENVELOPE and BODYSTRUCTURE need are kept, unfolded, as ISO-8859-1 text; the rest is read again from
 * the file when a client asks for it.
 */
final class MimePart {
  /** Header fields worth keeping: the envelope's (RFC 3501 §7.4.2) and the MIME ones. */
  static boolean kept(String lowerName) {
    return lowerName.startsWith("content-") || switch (lowerName) {
      case "date", "subject", "from", "sender", "reply-to", "to", "cc", "bcc", "in-reply-to", "message-id" -> true;
      default -> false;
    };
  }

  final long headerStart;
  long bodyStart;
  long end;
  /** Line ends in the body, for BODYSTRUCTURE's line counts. */
  long bodyLines;
  final Map<String, String> fields = new LinkedHashMap<>();
  ContentType type = ContentType.DEFAULT;
  final List<MimePart> children = new ArrayList<>();
  MimePart message;

  MimePart(long headerStart) {
    this.headerStart = headerStart;
  }

  /** The first field of that name, unfolded, or null. */
  String field(String name) {
    return fields.get(name.toLowerCase(Locale.ROOT));
  }

  /** Also without a boundary parameter, whose content is then no part's: Dovecot shows one empty part, as here. */
  boolean isMultipart() {
    return type.isMultipart();
  }

  boolean isMessage() {
    return message != null;
  }

  List<MimePart> children() {
    return Collections.unmodifiableList(children);
  }
}
