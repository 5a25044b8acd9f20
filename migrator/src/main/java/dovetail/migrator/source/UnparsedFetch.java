package dovetail.migrator.source;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;

/**
 * A FETCH response that Angus could not parse (an unknown item, a date it cannot read). Angus would
 * drop it; we keep it so that the message it was about is reported instead of silently missing.
 */
final class UnparsedFetch extends IMAPResponse {
  private static final Pattern UID_ITEM = Pattern.compile("(?i)[( ]UID (\\d{1,10})[ )]");

  private final String reason;
  private final long uid;

  UnparsedFetch(IMAPResponse raw, String reason) {
    super(raw);
    this.reason = reason;
    this.uid = findUid(raw);
  }

  String reason() {
    return reason;
  }

  /** The UID item's value, or -1 when the response has none we can find. */
  long uid() {
    return uid;
  }

  /** Looks before the first literal first, so that a body cannot fake the UID. */
  private static long findUid(IMAPResponse raw) {
    String text = raw.toString();
    int literal = text.indexOf('{');
    Matcher m = UID_ITEM.matcher(literal < 0 ? text : text.substring(0, literal));
    if (m.find() || (literal >= 0 && (m = UID_ITEM.matcher(text)).find())) {
      return Long.parseLong(m.group(1));
    }
    return -1;
  }
}
