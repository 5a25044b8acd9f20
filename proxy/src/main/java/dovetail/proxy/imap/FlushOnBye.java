package dovetail.proxy.imap;

import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapProcessor;

/**
 * Sends a BYE at once: James closes the connection right after one (the third failed login of a connection), before
 * the flush at the end of the command, and the client would see the connection drop without a word.
 */
final class FlushOnBye implements ImapProcessor.Responder {
  private final ImapProcessor.Responder delegate;

  FlushOnBye(ImapProcessor.Responder delegate) {
    this.delegate = delegate;
  }

  @Override
  public void respond(ImapResponseMessage message) {
    delegate.respond(message);
    if (message instanceof StatusResponse status && status.getServerResponseType() == StatusResponse.Type.BYE) {
      delegate.flush();
    }
  }

  @Override
  public void flush() {
    delegate.flush();
  }
}
