package dovetail.proxy.imap;

import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.request.ImapRequest;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.ListRequest;
import org.apache.james.imap.message.request.LsubRequest;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import reactor.core.publisher.Mono;

/**
 * LIST and LSUB whose reference or pattern is not valid modified UTF-7 match nothing and answer OK, as Dovecot
 * does. James 3.8.1's ListProcessor decodes the pattern with ModifiedUtf7, whose charset throws an Error, and the
 * command failed with NO.
 */
final class ListPatternGuard implements ImapProcessor {
  private static final StatusResponseFactory RESPONSES = new UnpooledStatusResponseFactory();

  private final ImapProcessor james;

  ListPatternGuard(ImapProcessor james) {
    this.james = james;
  }

  @Override
  public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
    if (!matchesNothing(message)) {
      return james.processReactive(message, responder, session);
    }
    ImapRequest request = (ImapRequest) message;
    return Replies.sendLater(responder, RESPONSES.taggedOk(request.getTag(), request.getCommand(),
        HumanReadableText.COMPLETED));
  }

  private static boolean matchesNothing(ImapMessage message) {
    if (message instanceof ListRequest list) {
      return !MailboxNameGuard.isValid(list.getBaseReferenceName())
          || !MailboxNameGuard.isValidPattern(list.getMailboxPattern());
    }
    if (message instanceof LsubRequest lsub) {
      return !MailboxNameGuard.isValid(lsub.getBaseReferenceName())
          || !MailboxNameGuard.isValidPattern(lsub.getMailboxPattern());
    }
    return false;
  }

  @Override
  public void configure(ImapConfiguration configuration) {
    james.configure(configuration);
  }
}
