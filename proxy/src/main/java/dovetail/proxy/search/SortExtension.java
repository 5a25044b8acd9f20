package dovetail.proxy.search;

import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.decode.ImapCommandParserFactory;
import org.apache.james.imap.decode.ImapDecoder;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.decode.main.DefaultImapDecoder;
import org.apache.james.imap.encode.ImapEncoder;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.apache.james.mailbox.MailboxManager;

/** RFC 5256 SORT (and RFC 5957 SORT=DISPLAY) added to James's decoder, processor chain and encoder. */
public final class SortExtension {
  private SortExtension() {}

  /** James's decoder with the SORT and UID SORT parsers, and SEARCH reading UTF-8 by default. */
  public static ImapDecoder decoder() {
    UnpooledStatusResponseFactory responses = new UnpooledStatusResponseFactory();
    return new DefaultImapDecoder(responses, parsers(responses));
  }

  /** James's command parsers with SORT and UID SORT added, and SEARCH reading UTF-8 by default. */
  public static ImapCommandParserFactory parsers(StatusResponseFactory responses) {
    return new SearchParsers(responses);
  }

  /** Answers SORT requests and adds SORT to CAPABILITY; the rest goes to {@code james}. */
  public static ImapProcessor processor(ImapProcessor james, MailboxManager mailboxes) {
    return new SortProcessor(james, mailboxes, new UnpooledStatusResponseFactory());
  }

  public static ImapEncoder encoder(ImapEncoder james) {
    return new SortResponseEncoder(james);
  }
}
