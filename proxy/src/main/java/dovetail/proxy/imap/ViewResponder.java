package dovetail.proxy.imap;

import java.util.List;
import javax.mail.Flags;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.AbstractMailboxSelectionRequest;
import org.apache.james.imap.message.response.ExistsResponse;
import org.apache.james.imap.message.response.ExpungeResponse;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.imap.message.response.FlagsResponse;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;

/**
 * Keeps two of James's responses true to the session's {@link FolderView}. SELECT and EXAMINE report the EXISTS
 * that the folder's metadata gives, read after the view was loaded; a message that came or went in between would
 * make the client count otherwise than the view, so the view's own count is reported. And an EXPUNGE for a
 * message that another round of unsolicited responses (IDLE) already reported has no sequence number: it is not
 * sent twice, as "* -1 EXPUNGE". And the view learns which flags a FLAGS line told the client, and a FETCH that
 * shows a keyword it was never told of (another session set it a moment ago) is preceded by FLAGS and PERMANENTFLAGS,
 * as Dovecot sends them.
 */
final class ViewResponder implements ImapProcessor.Responder {
  private static final StatusResponseFactory RESPONSES = new UnpooledStatusResponseFactory();
  private static final List<Flags.Flag> SYSTEM_FLAGS = List.of(Flags.Flag.ANSWERED, Flags.Flag.DELETED,
      Flags.Flag.DRAFT, Flags.Flag.FLAGGED, Flags.Flag.SEEN);

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
    if (message instanceof FetchResponse fetch && fetch.getFlags() != null && selected instanceof FolderView view
        && view.untoldKeyword(fetch.getFlags())) {
      announceFlags(view);
    }
    delegate.respond(message);
  }

  /** FLAGS and PERMANENTFLAGS with every keyword of the folder, before a FETCH shows a new one (RFC 3501 §7.2.6). */
  private void announceFlags(FolderView view) {
    Flags applicable = view.getApplicableFlags();
    delegate.respond(new FlagsResponse(applicable));
    view.toldFlags(applicable);
    Flags permanent = new Flags(applicable);
    for (Flags.Flag system : SYSTEM_FLAGS) {
      permanent.add(system);
    }
    permanent.add(Flags.Flag.USER);
    delegate.respond(RESPONSES.untaggedOk(HumanReadableText.permanentFlags(permanent),
        StatusResponse.ResponseCode.permanentFlags(permanent)));
  }

  @Override
  public void flush() {
    delegate.flush();
  }
}
