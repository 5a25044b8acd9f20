package dovetail.proxy.imap;

import dovetail.proxy.mailbox.MessageGoneException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.process.ImapProcessor.Responder;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.imap.message.response.FetchResponse.BodyElement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a FETCH response's contents before it is written. James writes a literal's size ({@code BODY[] {49}}) and only
 * then opens its content: when another writer has removed the message's file meanwhile, the announced bytes never
 * came and the client read the tagged NO as message data, out of step with the server for good. Opened here, a
 * message that is gone is left out of the answer (the session learns of the expunge at its next sync, as from
 * Dovecot); an opened file stays readable whatever happens to its name.
 */
final class ContentOpenedFirst implements Responder {
  private static final Logger LOG = LoggerFactory.getLogger(ContentOpenedFirst.class);

  private final Responder delegate;

  ContentOpenedFirst(Responder delegate) {
    this.delegate = delegate;
  }

  @Override
  public void respond(ImapResponseMessage message) {
    if (!(message instanceof FetchResponse fetch) || fetch.getElements() == null || fetch.getElements().isEmpty()) {
      delegate.respond(message);
      return;
    }
    List<Opened> opened = new ArrayList<>();
    try {
      for (BodyElement e : fetch.getElements()) {
        long size = e.size();
        // James reads no stream for an empty literal ({0}): open none.
        opened.add(new Opened(e, size, size > 0 ? e.getInputStream() : null));
      }
    } catch (IOException | RuntimeException e) {
      opened.forEach(Opened::close);
      if (MessageGoneException.causedBy(e)) {
        LOG.debug("FETCH leaves out UID {}: {}", fetch.getUid(), e.getMessage());
        return;
      }
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
    try {
      delegate.respond(new FetchResponse(fetch.getMessageNumber(), fetch.getFlags(), fetch.getUid(),
          fetch.getSaveDate(), fetch.getModSeq(), fetch.getInternalDate(), fetch.getSize(), fetch.getEnvelope(),
          fetch.getBody(), fetch.getBodyStructure(), List.copyOf(opened), fetch.getEmailId(), fetch.getThreadId()));
    } finally {
      opened.forEach(Opened::close); // what the writer did not take (the client went away): not left to the GC
    }
  }

  @Override
  public void flush() {
    delegate.flush();
  }

  /**
   * An element whose content is open: the first read takes that stream (the writer closes it), any later one opens it
   * again; {@link #close} closes it if nobody took it.
   */
  private static final class Opened implements BodyElement {
    private final BodyElement element;
    private final long size;
    private InputStream open;

    Opened(BodyElement element, long size, InputStream open) {
      this.element = element;
      this.size = size;
      this.open = open;
    }

    @Override
    public String getName() {
      return element.getName();
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
      InputStream in = open;
      open = null;
      return in != null ? in : element.getInputStream();
    }

    synchronized void close() {
      if (open != null) {
        try {
          open.close();
        } catch (IOException ignored) {
          // nothing was read from it
        }
        open = null;
      }
    }
  }
}
