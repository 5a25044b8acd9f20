package dovetail.proxy.imap;

import java.util.List;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor.Responder;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.MailboxId;

/**
 * A SELECT or EXAMINE of the folder that is selected reopens it, as in Dovecot 2.3 (and RFC 7162 §3.2.11): the old
 * opening ends with [CLOSED] (after ENABLE QRESYNC; James 3.8.1 says it only for another folder), and so do its
 * \Recent claims: the reopened folder shows none of the messages this session already saw as recent (Dovecot's
 * second SELECT counts 0). James keeps the selection object for the same folder, which counted them again.
 */
final class Reopening {
  private static final StatusResponseFactory RESPONSES = new UnpooledStatusResponseFactory();

  private Reopening() {}

  /** Before James answers a selection of {@code target}: nothing when another folder, or none, is selected. */
  static void of(MailboxId target, boolean qresyncEnabled, ImapSession session, Responder responder) {
    SelectedMailbox selected = session.getSelected();
    if (selected == null || !selected.getMailboxId().equals(target)) {
      return;
    }
    if (qresyncEnabled) {
      responder.respond(RESPONSES.untaggedOk(HumanReadableText.QRESYNC_CLOSED, StatusResponse.ResponseCode.closed()));
    }
    for (MessageUid uid : List.copyOf(selected.getRecent())) {
      selected.removeRecent(uid);
    }
  }
}
