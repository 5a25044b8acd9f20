package dovetail.proxy.imap;

import java.util.ArrayList;
import java.util.List;
import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.MoveRequest;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import reactor.core.publisher.Mono;

/**
 * MOVE reports COPYUID in an untagged OK before its EXPUNGE responses (RFC 6851 §4.3), as Dovecot does; James
 * 3.8.1's MoveProcessor only puts it in the tagged OK, after them. The responses of a MOVE are held back until its
 * tagged OK shows the code, then sent in the RFC's order. ResponseCodeFix, outside this class, corrects the code's
 * source set in either position.
 */
final class MoveCopyUidFirst implements ImapProcessor {
  static final HumanReadableText MOVED = new HumanReadableText("dovetail.imap.MOVED", "Moved UIDs.");
  private static final StatusResponseFactory RESPONSES = new UnpooledStatusResponseFactory();

  private final ImapProcessor james;

  MoveCopyUidFirst(ImapProcessor james) {
    this.james = james;
  }

  @Override
  public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
    if (!(message instanceof MoveRequest)) {
      return james.processReactive(message, responder, session);
    }
    Reordering reordering = new Reordering(responder);
    // Whatever ends the command (an error included), nothing held back may be lost.
    return james.processReactive(message, reordering, session).doFinally(signal -> reordering.release());
  }

  @Override
  public void configure(ImapConfiguration configuration) {
    james.configure(configuration);
  }

  private static final class Reordering implements Responder {
    private final Responder delegate;
    private final List<ImapResponseMessage> held = new ArrayList<>();
    private boolean released;

    Reordering(Responder delegate) {
      this.delegate = delegate;
    }

    @Override
    public synchronized void respond(ImapResponseMessage message) {
      if (released) {
        delegate.respond(message);
        return;
      }
      if (!(message instanceof StatusResponse status) || status.getTag() == null) {
        held.add(message);
        return;
      }
      StatusResponse.ResponseCode code = status.getResponseCode();
      if (status.getServerResponseType() == StatusResponse.Type.OK && code != null && "COPYUID".equals(code.getCode())) {
        delegate.respond(RESPONSES.untaggedOk(MOVED, code));
        message = RESPONSES.taggedOk(status.getTag(), status.getCommand(), status.getTextKey());
      }
      release();
      delegate.respond(message);
    }

    @Override
    public synchronized void flush() {
      if (released) {
        delegate.flush();
      }
    }

    synchronized void release() {
      if (released) {
        return;
      }
      released = true;
      held.forEach(delegate::respond);
      held.clear();
      delegate.flush();
    }
  }
}
