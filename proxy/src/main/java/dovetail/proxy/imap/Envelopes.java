package dovetail.proxy.imap;

import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.imap.message.response.FetchResponse.Envelope.Address;

/**
 * ENVELOPE (RFC 3501 §7.4.2) from a message's header fields, as written: Sender and Reply-To default to From.
 * Addresses are read by {@link AddressList}.
 */
final class Envelopes {
  private Envelopes() {}

  record Env(String getDate, String getSubject, Address[] getFrom, Address[] getSender, Address[] getReplyTo,
      Address[] getTo, Address[] getCc, Address[] getBcc, String getInReplyTo, String getMessageId)
      implements FetchResponse.Envelope {}

  static FetchResponse.Envelope of(MimePart message) {
    Address[] from = AddressList.parse(message.field("from"));
    Address[] sender = AddressList.parse(message.field("sender"));
    Address[] replyTo = AddressList.parse(message.field("reply-to"));
    return new Env(message.field("date"), message.field("subject"), from, sender == null ? from : sender,
        replyTo == null ? from : replyTo, AddressList.parse(message.field("to")), AddressList.parse(message.field("cc")),
        AddressList.parse(message.field("bcc")), message.field("in-reply-to"), message.field("message-id"));
  }
}
