package dovetail.proxy.imap;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import org.apache.james.imap.api.ImapConstants;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapProcessor.Responder;
import org.apache.james.imap.message.request.ListRequest;
import org.apache.james.imap.message.response.AbstractListingResponse;
import org.apache.james.imap.message.response.MailboxStatusResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code LIST "" ("INBOX" "Sent*")}: LIST-EXTENDED's several patterns (RFC 5258 §3), which James 3.8.1 cannot parse
 * ({@link ListPatternsParser}). It stands for one LIST per pattern, with the first pattern's own; they are answered
 * one after the other, each folder once however many patterns match it, and with one tagged reply.
 */
final class ListPatterns extends ListRequest {
  private final List<ListRequest> each;

  ListPatterns(ListRequest first, List<String> patterns) {
    super(ImapConstants.LIST_COMMAND, first.getBaseReferenceName(), first.getMailboxPattern(), first.getTag(),
        first.getSelectOptions(), first.getReturnOptions(), first.getStatusDataItems());
    each = patterns.stream().map(pattern -> new ListRequest(ImapConstants.LIST_COMMAND, first.getBaseReferenceName(),
        pattern, first.getTag(), first.getSelectOptions(), first.getReturnOptions(), first.getStatusDataItems()))
        .toList();
  }

  /** Runs {@code list} for each pattern; the first tagged reply that is not OK, or the last OK, ends the command. */
  Mono<Void> answer(BiFunction<ListRequest, Responder, Mono<Void>> list, Responder responder) {
    Merging merging = new Merging(responder);
    return Flux.fromIterable(each)
        .concatMap(one -> merging.failed == null ? list.apply(one, merging) : Mono.empty())
        .then(Mono.fromRunnable(merging::end));
  }

  /** Each folder's LIST (and LIST-STATUS) response once; tagged replies held until the end. */
  private static final class Merging implements Responder {
    private final Responder delegate;
    private final Set<String> listed = new HashSet<>();
    private final Set<String> statused = new HashSet<>();
    private final List<StatusResponse> tagged = new ArrayList<>();
    private StatusResponse failed;

    Merging(Responder delegate) {
      this.delegate = delegate;
    }

    @Override
    public void respond(ImapResponseMessage message) {
      if (message instanceof StatusResponse status && status.getTag() != null) {
        tagged.add(status);
        if (status.getServerResponseType() != StatusResponse.Type.OK && failed == null) {
          failed = status;
        }
      } else if (message instanceof AbstractListingResponse folder) {
        if (listed.add(folder.getName())) {
          delegate.respond(message);
        }
      } else if (message instanceof MailboxStatusResponse status) {
        if (statused.add(status.getMailbox())) {
          delegate.respond(message);
        }
      } else {
        delegate.respond(message);
      }
    }

    @Override
    public void flush() {
      // at the end: the command's one tagged reply goes with it
    }

    void end() {
      if (failed != null) {
        delegate.respond(failed);
      } else if (!tagged.isEmpty()) {
        delegate.respond(tagged.get(tagged.size() - 1));
      }
      delegate.flush();
    }
  }
}
