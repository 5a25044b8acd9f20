package dovetail.proxy.imap;

import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.process.ImapProcessor;

/**
 * One command's responder, used by one thread at a time. IDLE's responder is written to from several: the folder's
 * updates, the heartbeat, and DONE's line handler. James encodes every response into one buffer per command that is
 * not thread-safe, and two threads flushing it at once sent a line twice (IDLE's tagged OK) or lost it.
 */
final class SerializedResponder implements ImapProcessor.Responder {
  private final ImapProcessor.Responder delegate;

  SerializedResponder(ImapProcessor.Responder delegate) {
    this.delegate = delegate;
  }

  @Override
  public synchronized void respond(ImapResponseMessage message) {
    delegate.respond(message);
  }

  @Override
  public synchronized void flush() {
    delegate.flush();
  }
}
