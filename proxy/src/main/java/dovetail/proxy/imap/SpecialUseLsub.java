package dovetail.proxy.imap;

import org.apache.james.imap.api.ImapConstants;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.process.MailboxType;
import org.apache.james.imap.encode.ImapEncoder;
import org.apache.james.imap.encode.ListingEncodingUtils;
import org.apache.james.imap.message.response.AbstractListingResponse;
import org.apache.james.imap.message.response.LSubResponse;

/**
 * An LSUB line with the folder's special-use attribute ({@link LsubSpecialUse}). James 3.8.1's LSubResponse is final
 * and always of type OTHER, which shows none, so this response takes its place and has its own encoder.
 */
final class SpecialUseLsub extends AbstractListingResponse implements ImapResponseMessage {
  SpecialUseLsub(LSubResponse lsub, MailboxType type) {
    super(lsub.getChildren(), lsub.getSelectability(), lsub.getName(), lsub.getHierarchyDelimiter(), type);
  }

  @Override
  public String getTypeAsString() {
    return getType().getRfc6154attributeName();
  }

  /** {@code james}, writing a SpecialUseLsub as James writes an LSubResponse, with the attribute. */
  static ImapEncoder encoder(ImapEncoder james) {
    return (message, composer) -> {
      if (message instanceof SpecialUseLsub lsub) {
        ListingEncodingUtils.encodeListingResponse(ImapConstants.LSUB_COMMAND, composer, lsub);
      } else {
        james.encode(message, composer);
      }
    };
  }
}
