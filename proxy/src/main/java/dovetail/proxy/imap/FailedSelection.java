package dovetail.proxy.imap;

import java.util.List;
import java.util.function.Function;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponse.ResponseCode;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor.Responder;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.AbstractMailboxSelectionRequest;
import reactor.core.publisher.Mono;

/**
 * RFC 3501 §6.3.1: "If the client is permitted to modify the mailbox... [a] failed SELECT... the server returns
 * NO and the connection is left in the authenticated state" (no mailbox selected). James 3.8.1 looks the new folder
 * up before it lets go of the old one, so after {@code SELECT Missing} failed the old folder stayed selected and a
 * following EXPUNGE or STORE acted on a folder the client believed closed. Here the tagged NO or BAD of a SELECT or
 * EXAMINE, whoever answered it (James, a check before James, the decoder), is held back until the session is
 * deselected, and preceded by {@code * OK [CLOSED]} as Dovecot 2.3 sends it.
 */
final class FailedSelection {
  private static final HumanReadableText CLOSED =
      new HumanReadableText("dovetail.imap.CLOSED", "Previous mailbox closed.");

  private final StatusResponseFactory responses;

  FailedSelection(StatusResponseFactory responses) {
    this.responses = responses;
  }

  /** Runs {@code james} with a responder that holds back a failed selection's tagged NO, then deselects. */
  Mono<Void> around(ImapMessage message, ImapSession session, Responder responder,
      Function<Responder, Mono<Void>> james) {
    if (!isSelection(message) || session.getSelected() == null) {
      return james.apply(responder);
    }
    Holding holding = new Holding(responder);
    return james.apply(holding).then(Mono.defer(() -> {
      StatusResponse refusal = holding.refusal;
      if (refusal == null) {
        return Mono.empty();
      }
      Mono<Void> closing = session.getSelected() == null ? Mono.empty()
          : FolderViewSession.deselect(session).then(Mono.fromRunnable(() ->
              responder.respond(responses.untaggedOk(CLOSED, ResponseCode.closed()))));
      return closing.then(Replies.sendLater(responder, refusal));
    }));
  }

  /**
   * SELECT or EXAMINE, or the decoder's BAD for one it could not parse: Dovecot closes the selected folder for a
   * malformed SELECT too.
   */
  private static boolean isSelection(ImapMessage message) {
    if (message instanceof AbstractMailboxSelectionRequest) {
      return true;
    }
    return message instanceof StatusResponse status && status.getTag() != null && status.getCommand() != null
        && List.of("SELECT", "EXAMINE").contains(status.getCommand().getName());
  }

  /** Passes everything on except a tagged NO or BAD, which it keeps. */
  private static final class Holding implements Responder {
    private final Responder delegate;
    private StatusResponse refusal;

    Holding(Responder delegate) {
      this.delegate = delegate;
    }

    @Override
    public void respond(ImapResponseMessage message) {
      if (message instanceof StatusResponse status && status.getTag() != null
          && status.getServerResponseType() != StatusResponse.Type.OK) {
        refusal = status;
      } else {
        delegate.respond(message);
      }
    }

    @Override
    public void flush() {
      delegate.flush();
    }
  }
}
