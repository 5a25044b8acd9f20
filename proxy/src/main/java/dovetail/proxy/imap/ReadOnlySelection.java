package dovetail.proxy.imap;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.FetchData;
import org.apache.james.imap.api.message.BodyFetchElement;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponse.ResponseCode;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor.Responder;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.AbstractMailboxSelectionRequest;
import org.apache.james.imap.message.request.CloseRequest;
import org.apache.james.imap.message.request.ExamineRequest;
import org.apache.james.imap.message.request.ExpungeRequest;
import org.apache.james.imap.message.request.FetchRequest;
import org.apache.james.imap.message.request.MoveRequest;
import org.apache.james.imap.message.request.ReplaceRequest;
import org.apache.james.imap.message.request.StoreRequest;
import reactor.core.publisher.Mono;

/**
 * RFC 3501 §6.3.2: a folder opened with EXAMINE is read-only, "no changes to the permanent state of the mailbox,
 * including per-user state, are permitted". James 3.8.1 does not remember EXAMINE and treats it as SELECT: FETCH
 * BODY[] set \Seen, STORE stored, EXPUNGE and CLOSE removed \Deleted messages (Jakarta Mail closes a READ_ONLY
 * folder with CLOSE). The selection mode is kept here and, as Dovecot 2.3 answers: FETCH runs as .PEEK, STORE is
 * "OK Store ignored" (NO if it is conditional, RFC 7162 §3.1.3), EXPUNGE and CLOSE remove nothing, MOVE and
 * REPLACE (which expunges the message it replaces) are refused (COPY still works), and EXAMINE announces
 * {@code PERMANENTFLAGS ()}.
 */
final class ReadOnlySelection {
  private static final String READ_ONLY = ReadOnlySelection.class.getName() + ".readOnly";
  private static final HumanReadableText STORE_IGNORED =
      new HumanReadableText("dovetail.imap.STORE_IGNORED", "Store ignored with read-only mailbox.");
  private static final HumanReadableText CONDSTORE_REFUSED =
      new HumanReadableText("dovetail.imap.CONDSTORE_READ_ONLY", "CONDSTORE failed: Mailbox is read-only.");
  private static final HumanReadableText MOVE_REFUSED =
      new HumanReadableText("dovetail.imap.MOVE_READ_ONLY", "Mailbox is read-only.");
  private static final HumanReadableText NO_PERMANENT_FLAGS =
      new HumanReadableText("dovetail.imap.READ_ONLY", "Read-only mailbox.");

  /** James's ResponseCode.permanentFlags writes an empty set as a bare "PERMANENTFLAGS"; RFC 3501 wants "()". */
  private static final ResponseCode NONE_PERMANENT = ResponseCodeFix.plain("PERMANENTFLAGS ()");

  private final StatusResponseFactory responses;

  ReadOnlySelection(StatusResponseFactory responses) {
    this.responses = responses;
  }

  /** Whether the session's folder was opened with EXAMINE. */
  static boolean isReadOnly(ImapSession session) {
    return Boolean.TRUE.equals(session.getAttribute(READ_ONLY));
  }

  /**
   * The command for James to process: {@code message} itself, a FETCH made .PEEK, or empty when the command was
   * answered here.
   */
  Mono<ImapMessage> before(ImapMessage message, ImapSession session, Responder responder) {
    if (message instanceof AbstractMailboxSelectionRequest) {
      session.setAttribute(READ_ONLY, message instanceof ExamineRequest);
      return Mono.just(message);
    }
    if (session.getSelected() == null || !isReadOnly(session)) {
      return Mono.just(message);
    }
    if (message instanceof FetchRequest fetch && fetch.getFetch().isSetSeen()) {
      return Mono.just(new FetchRequest(fetch.isUseUids(), fetch.getIdSet(), peek(fetch.getFetch()), fetch.getTag()));
    }
    if (message instanceof CloseRequest close) {
      return FolderViewSession.deselect(session).then(Replies.sendLater(responder, responses.taggedOk(close.getTag(), close.getCommand(),
          HumanReadableText.COMPLETED)));
    }
    if (message instanceof StoreRequest store) {
      return Replies.sendLater(responder, store.getUnchangedSince() != -1
          ? responses.taggedNo(store.getTag(), null, CONDSTORE_REFUSED)
          : responses.taggedOk(store.getTag(), null, STORE_IGNORED));
    }
    if (message instanceof ExpungeRequest expunge) {
      return Replies.sendLater(responder, responses.taggedOk(expunge.getTag(), expunge.getCommand(), HumanReadableText.COMPLETED));
    }
    if (message instanceof MoveRequest move) {
      return Replies.sendLater(responder, responses.taggedNo(move.getTag(), null, MOVE_REFUSED));
    }
    if (message instanceof ReplaceRequest replace) {
      // REPLACE (RFC 8508) expunges the message it replaces from the selected folder: like MOVE, refused.
      return Replies.sendLater(responder, responses.taggedNo(replace.getTag(), null, MOVE_REFUSED));
    }
    return Mono.just(message);
  }

  /** The responder for {@code message}: after EXAMINE, its PERMANENTFLAGS are none. */
  Responder replies(ImapMessage message, Responder responder) {
    if (!(message instanceof ExamineRequest)) {
      return responder;
    }
    return new Responder() {
      @Override
      public void respond(ImapResponseMessage response) {
        boolean permanentFlags = response instanceof StatusResponse status && status.getTag() == null
            && status.getResponseCode() != null && "PERMANENTFLAGS".equals(status.getResponseCode().getCode());
        responder.respond(permanentFlags
            ? responses.untaggedOk(NO_PERMANENT_FLAGS, NONE_PERMANENT) : response);
      }

      @Override
      public void flush() {
        responder.flush();
      }
    };
  }

  private static FetchData peek(FetchData asked) {
    FetchData.Builder b = FetchData.builder().fetch(FetchItemsFix.items(asked)).vanished(asked.getVanished());
    if (asked.getChangedSince() != -1) {
      b.changedSince(asked.getChangedSince());
    }
    for (BodyFetchElement e : asked.getBodyElements()) {
      b.add(e, true);
    }
    return b.build();
  }
}
