package dovetail.proxy.imap;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor.Responder;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.AbstractMailboxSelectionRequest;
import org.apache.james.imap.message.request.CloseRequest;
import org.apache.james.imap.message.request.ExamineRequest;
import reactor.core.publisher.Mono;

/**
 * RFC 3501 §6.4.2: CLOSE expunges only a mailbox selected read-write; after EXAMINE it just deselects. James 3.8.1's
 * CloseProcessor expunges whenever the user may expunge, and its session does not remember EXAMINE, so every client
 * that ends a read-only folder with CLOSE (Jakarta Mail does) lost its \Deleted messages. The selection mode is kept
 * here, and such a CLOSE is answered here.
 */
final class ReadOnlyClose {
  private static final String READ_ONLY = ReadOnlyClose.class.getName() + ".readOnly";

  private final StatusResponseFactory responses;

  ReadOnlyClose(StatusResponseFactory responses) {
    this.responses = responses;
  }

  /** Emits true when James should process the command; false when it was answered here. */
  Mono<Boolean> before(ImapMessage message, ImapSession session, Responder responder) {
    if (message instanceof AbstractMailboxSelectionRequest) {
      session.setAttribute(READ_ONLY, message instanceof ExamineRequest);
      return Mono.just(true);
    }
    if (!(message instanceof CloseRequest close) || session.getSelected() == null
        || !Boolean.TRUE.equals(session.getAttribute(READ_ONLY))) {
      return Mono.just(true);
    }
    return session.deselect().then(Mono.fromCallable(() -> {
      responder.respond(responses.taggedOk(close.getTag(), close.getCommand(), HumanReadableText.COMPLETED));
      responder.flush();
      return false;
    }));
  }
}
