package dovetail.proxy.imap;

import javax.mail.Flags;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.AbstractMailboxSelectionRequest;
import org.apache.james.imap.message.response.ExistsResponse;
import org.apache.james.imap.message.response.ExpungeResponse;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.imap.message.response.FlagsResponse;

/**
 * Keeps two of James's responses true to the session's {@link FolderView}. SELECT and EXAMINE report the EXISTS
 * that the folder's metadata gives, read after the view was loaded; a message that came or went in between would
 * make the client count otherwise than the view, so the view's own count is reported. And an EXPUNGE for a
 * message that another round of unsolicited responses (IDLE) already reported has no sequence number: it is not
 * sent twice, as "* -1 EXPUNGE". And the view learns which flags a FLAGS line told the client, and a FETCH that
 * shows a keyword it was never told of (another session set it a moment ago), or a PERMANENTFLAGS line that does, is
 * preceded by FLAGS, as Dovecot sends it.
 */
final class ViewResponder implements ImapProcessor.Responder {
  private static final Flags NO_FLAGS = new Flags();

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
    if (message instanceof FlagsResponse flags && selected instanceof FolderView view) {
      view.toldFlags(flags.getFlags());
    }
    if (selected instanceof FolderView view && view.untoldKeyword(shownFlags(message))) {
      announceFlags(view);
    }
    delegate.respond(message);
  }

  /**
   * The flags a response shows: a FETCH's, or PERMANENTFLAGS's (James reads the folder's flags again for it, after
   * FLAGS: a keyword that came in between was in PERMANENTFLAGS and not in FLAGS).
   */
  private static Flags shownFlags(ImapResponseMessage message) {
    if (message instanceof FetchResponse fetch && fetch.getFlags() != null) {
      return fetch.getFlags();
    }
    if (message instanceof StatusResponse status && status.getResponseCode() != null
        && "PERMANENTFLAGS".equals(status.getResponseCode().getCode())) {
      Flags flags = new Flags();
      status.getResponseCode().getParameters().stream().filter(f -> !f.startsWith("\\")).forEach(flags::add);
      return flags;
    }
    return NO_FLAGS;
  }

  /**
   * A FLAGS line with every keyword of the folder, before a response shows a new one (RFC 3501 §7.2.6); the flags are
   * then no longer new to James, which would send them again at the command's end. (No PERMANENTFLAGS: its contents
   * depend on whether the folder is read-only, and FLAGS is what a client must record.)
   */
  private void announceFlags(FolderView view) {
    Flags applicable = view.getApplicableFlags();
    delegate.respond(new FlagsResponse(applicable));
    view.toldFlags(applicable);
    view.resetNewApplicableFlags();
  }

  @Override
  public void flush() {
    delegate.flush();
  }
}
