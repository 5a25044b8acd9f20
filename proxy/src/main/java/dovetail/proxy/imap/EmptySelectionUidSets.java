package dovetail.proxy.imap;

import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.AbstractMessageRangeRequest;
import org.apache.james.imap.message.request.ExpungeRequest;
import org.apache.james.imap.message.request.FetchRequest;
import org.apache.james.imap.message.request.StoreRequest;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import reactor.core.publisher.Mono;

/**
 * A UID set on a selected folder with no messages is valid and names none (RFC 3501 §6.4.8): UID FETCH, STORE,
 * COPY, MOVE and EXPUNGE succeed with nothing done, as Dovecot answers them. James 3.8.1 turns a UID range over an
 * empty selection into no range (AbstractMailboxProcessor.messageRange) and answered {@code BAD ... Invalid
 * messageset.}, which every sync client that sends {@code UID FETCH 1:* (FLAGS)} to an empty Drafts or Trash got.
 * For FETCH, STORE and EXPUNGE only that BAD becomes OK, so what James does first still happens (CHANGEDSINCE or
 * UNCHANGEDSINCE enables CONDSTORE and reports HIGHESTMODSEQ). COPY and MOVE are answered here, before James checks
 * the target: Dovecot answers "No messages found" on an empty folder even when the target does not exist, in
 * ResponseCodeFix's words for a UID set that names no message. A sequence set on an empty folder stays BAD, as in
 * Dovecot.
 */
final class EmptySelectionUidSets implements ImapProcessor {
  private static final StatusResponseFactory RESPONSES = new UnpooledStatusResponseFactory();

  private final ImapProcessor james;

  EmptySelectionUidSets(ImapProcessor james) {
    this.james = james;
  }

  @Override
  public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
    SelectedMailbox selected = session.getSelected();
    if (!usesUids(message) || selected == null || selected.existsCount() != 0) {
      return james.processReactive(message, responder, session);
    }
    if (message instanceof AbstractMessageRangeRequest copy) {
      return Replies.sendLater(responder, RESPONSES.taggedOk(copy.getTag(), null, ResponseCodeFix.NOTHING_COPIED));
    }
    return james.processReactive(message, new Responder() {
      @Override
      public void respond(ImapResponseMessage response) {
        if (response instanceof StatusResponse status && invalidSet(status)) {
          response = RESPONSES.taggedOk(status.getTag(), status.getCommand(), HumanReadableText.COMPLETED);
        }
        responder.respond(response);
      }

      @Override
      public void flush() {
        responder.flush();
      }
    }, session);
  }

  private static boolean usesUids(ImapMessage message) {
    return message instanceof FetchRequest fetch && fetch.isUseUids()
        || message instanceof StoreRequest store && store.isUseUids()
        || message instanceof AbstractMessageRangeRequest range && range.isUseUids()
        || message instanceof ExpungeRequest expunge && expunge.getUidSet() != null;
  }

  /** James's answer to a UID set over an empty selection. */
  private static boolean invalidSet(StatusResponse status) {
    return status.getTag() != null
        && status.getServerResponseType() == StatusResponse.Type.BAD && status.getTextKey() != null
        && HumanReadableText.INVALID_MESSAGESET.getKey().equals(status.getTextKey().getKey());
  }

  @Override
  public void configure(ImapConfiguration configuration) {
    james.configure(configuration);
  }
}
