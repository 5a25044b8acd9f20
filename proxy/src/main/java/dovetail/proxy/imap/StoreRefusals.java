package dovetail.proxy.imap;

import dovetail.proxy.mailbox.StoreRefusal;
import java.util.Optional;
import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.request.ImapRequest;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.apache.james.mailbox.MailboxSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Answers a write the store refused ({@link StoreRefusal}: nothing was changed) in Dovecot's words, where James
 * answers any failure with its generic NO. A full disk or exhausted quota (ENOSPC, EDQUOT) is {@code NO [OVERQUOTA]
 * Not enough disk quota}, Dovecot's answer to both; any other failure of the store's files is Dovecot's
 * {@code NO [SERVERBUG] Internal error occurred. Refer to server log for more information.} The log gets one WARN
 * line saying what failed (the store's message names the file and the error). A keyword beyond the 26 a Maildir
 * folder can name is {@code NO [LIMIT]} (RFC 5530) and logs at INFO: the client's to change; so is what the store
 * does not do ({@code NO [CANNOT]}, RENAME INBOX). A new message for a folder whose migration is not complete (a
 * failed one) is {@code NO [UNAVAILABLE]}. A folder whose directory the server may not read is Dovecot's
 * {@code NO [SERVERBUG]}, in words that say so (Dovecot says "Internal error occurred"). A MOVE of a message another
 * writer expunged meanwhile is Dovecot's {@code NO [EXPUNGEISSUED] Some of the requested messages no longer exist.}
 */
final class StoreRefusals implements ImapProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(StoreRefusals.class);
  private static final StatusResponseFactory RESPONSES = new UnpooledStatusResponseFactory();
  static final HumanReadableText DISK_FULL = new HumanReadableText("dovetail.imap.DISK_FULL", "Not enough disk quota");
  static final HumanReadableText KEYWORD_LIMIT = new HumanReadableText("dovetail.imap.KEYWORD_LIMIT",
      "A folder holds at most 26 keywords (Maildir); remove one from every message to add another");
  static final HumanReadableText INTERNAL_ERROR = new HumanReadableText("dovetail.imap.INTERNAL_ERROR",
      "Internal error occurred. Refer to server log for more information.");

  static final HumanReadableText EXPUNGE_ISSUED = new HumanReadableText("dovetail.imap.EXPUNGE_ISSUED",
      "Some of the requested messages no longer exist.");

  private final ImapProcessor james;

  StoreRefusals(ImapProcessor james) {
    this.james = james;
  }

  @Override
  public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
    MailboxSession mailboxSession = session.getMailboxSession();
    if (!(message instanceof ImapRequest request) || mailboxSession == null) {
      return james.processReactive(message, responder, session);
    }
    StoreRefusal.forget(mailboxSession);
    return james.processReactive(message, new Answering(request, responder, mailboxSession), session)
        .doFinally(signal -> StoreRefusal.forget(mailboxSession));
  }

  /** The command's tagged NO, replaced when the store refused the write. */
  private static final class Answering implements Responder {
    private final ImapRequest request;
    private final Responder delegate;
    private final MailboxSession session;

    Answering(ImapRequest request, Responder delegate, MailboxSession session) {
      this.request = request;
      this.delegate = delegate;
      this.session = session;
    }

    @Override
    public void respond(ImapResponseMessage message) {
      Optional<StoreRefusal> refusal = StoreRefusal.of(session);
      if (refusal.isPresent() && message instanceof StatusResponse status
          && status.getServerResponseType() == StatusResponse.Type.NO && request.getTag().equals(status.getTag())) {
        if (refusal.get().reason().clientsToChange()) {
          LOG.info("{} refused: {}", request.getCommand().getName(), refusal.get().getMessage());
        } else {
          LOG.warn("{} refused: {}", request.getCommand().getName(), refusal.get().getMessage());
        }
        message = answer(refusal.get());
      }
      delegate.respond(message);
    }

    private ImapResponseMessage answer(StoreRefusal refusal) {
      // No command name in the line: Dovecot's words exactly (Dovecot has no keyword limit: those words are ours).
      return switch (refusal.reason()) {
        case DISK_FULL -> RESPONSES.taggedNo(request.getTag(), null, DISK_FULL,
            StatusResponse.ResponseCode.overQuota());
        case KEYWORD_LIMIT -> RESPONSES.taggedNo(request.getTag(), null, KEYWORD_LIMIT, ResponseCodeFix.plain("LIMIT"));
        case NOT_MIGRATED -> RESPONSES.taggedNo(request.getTag(), null, new HumanReadableText(
            "dovetail.imap.NOT_MIGRATED", "Folder " + refusal.folder()
            + " takes no new messages until its migration is complete"), ResponseCodeFix.plain("UNAVAILABLE"));
        case STORE_FAILURE -> RESPONSES.taggedNo(request.getTag(), null, INTERNAL_ERROR,
            ResponseCodeFix.plain("SERVERBUG"));
        case CANNOT -> RESPONSES.taggedNo(request.getTag(), null, new HumanReadableText("dovetail.imap.CANNOT",
            refusal.getMessage()), ResponseCodeFix.plain("CANNOT"));
        case UNREADABLE -> RESPONSES.taggedNo(request.getTag(), null, new HumanReadableText(
            "dovetail.imap.UNREADABLE", "Folder " + refusal.folder() + " cannot be read by the server (permission"
            + " denied). Refer to server log for more information."), ResponseCodeFix.plain("SERVERBUG"));
        case EXPUNGE_ISSUED -> RESPONSES.taggedNo(request.getTag(), null, EXPUNGE_ISSUED,
            ResponseCodeFix.plain("EXPUNGEISSUED"));
      };
    }

    @Override
    public void flush() {
      delegate.flush();
    }
  }

  @Override
  public void configure(ImapConfiguration configuration) {
    james.configure(configuration);
  }
}
