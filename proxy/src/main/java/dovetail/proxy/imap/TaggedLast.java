package dovetail.proxy.imap;

import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapProcessor;

/** Passes every response on at once except the command's tagged one, which waits for {@link #release()}. */
final class TaggedLast implements ImapProcessor.Responder {
  private final ImapProcessor.Responder delegate;
  private StatusResponse tagged;
  private boolean released;

  TaggedLast(ImapProcessor.Responder delegate) {
    this.delegate = delegate;
  }

  @Override
  public synchronized void respond(ImapResponseMessage message) {
    if (!released && message instanceof StatusResponse status && status.getTag() != null) {
      tagged = status;
      return;
    }
    delegate.respond(message);
  }

  @Override
  public synchronized void flush() {
    delegate.flush();
  }

  synchronized void replace(StatusResponse response) {
    tagged = response;
  }

  synchronized boolean succeeded() {
    return tagged != null && tagged.getServerResponseType() == StatusResponse.Type.OK;
  }

  synchronized void release() {
    if (released) {
      return;
    }
    released = true;
    if (tagged != null) {
      delegate.respond(tagged);
    }
    delegate.flush();
  }
}
