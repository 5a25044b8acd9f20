package dovetail.proxy.imap;

import java.util.EnumSet;
import org.apache.james.imap.api.ImapConstants;
import org.apache.james.imap.message.request.ListRequest;
import org.apache.james.imap.message.request.ListRequest.ListReturnOption;

/**
 * A plain LIST (RFC 3501 syntax: no selection options, one pattern, no RETURN) shows each folder's special-use
 * attribute, as Dovecot's does (cmd-list.c returns them for a non-extended LIST; RFC 6154 §2 allows it): many clients
 * take Sent and Trash from it, and James 3.8.1 showed them only for {@code RETURN (SPECIAL-USE)}. Such a LIST becomes
 * the same LIST with {@code RETURN (SPECIAL-USE)}, so James's ListProcessor asks the {@link SpecialUseTyper} exactly as
 * for that. A LIST in LIST-EXTENDED syntax stays as asked, as in Dovecot.
 */
final class PlainListSpecialUse {
  private PlainListSpecialUse() {}

  /** {@code parsed} with RETURN (SPECIAL-USE) if it is a plain LIST whose pattern was not a list. */
  static ListRequest of(ListRequest parsed) {
    boolean plain = parsed.getClass() == ListRequest.class && parsed.getSelectOptions().isEmpty()
        && parsed.getReturnOptions().isEmpty() && parsed.getStatusDataItems().isEmpty();
    if (!plain) {
      return parsed;
    }
    return new ListRequest(ImapConstants.LIST_COMMAND, parsed.getBaseReferenceName(), parsed.getMailboxPattern(),
        parsed.getTag(), parsed.getSelectOptions(), EnumSet.of(ListReturnOption.SPECIAL_USE), parsed.getStatusDataItems());
  }
}
