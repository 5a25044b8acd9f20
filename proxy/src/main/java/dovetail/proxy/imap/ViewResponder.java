package dovetail.proxy.imap;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.AbstractMailboxSelectionRequest;
import org.apache.james.imap.message.response.ExistsResponse;
import org.apache.james.imap.message.response.ExpungeResponse;

/**
 * Keeps two of James's responses true to the session's {@link FolderView}. SELECT and EXAMINE report the EXISTS
 * that the folder's metadata gives, read after the view was loaded; a message that came or went in between would
 * make the client count otherwise than the view, so the view's own count is reported. And an EXPUNGE for a
 * message that another round of unsolicited responses (IDLE) already reported has no sequence number: it is not
 * sent twice, as "* -1 EXPUNGE".
 */
final class ViewResponder implements ImapProcessor.Responder {
  private final ImapProcessor.Responder delegate;
  private final ImapSession session;
  private final boolean selecting;

  ViewResponder(ImapMessage message, ImapProcessor.Responder delegate, ImapSession session) {
    this.delegate = delegate;
    this.session = session;
    this.selecting = message instanceof AbstractMailboxSelectionRequest;
  }

  @Override
  public void respond(ImapResponseMessage message) {
    if (message instanceof ExpungeResponse expunge && expunge.getMessageSequenceNumber().asInt().isEmpty()) {
      return;
    }
    SelectedMailbox selected = session.getSelected();
    if (selecting && message instanceof ExistsResponse && selected instanceof FolderView view) {
      message = new ExistsResponse(view.existsCount());
    }
    delegate.respond(message);
  }

  @Override
  public void flush() {
    delegate.flush();
  }
}
