package dovetail.proxy.search;

import dovetail.proxy.mailbox.BlockingCalls;
import dovetail.proxy.mailbox.MessageGoneException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.Capability;
import org.apache.james.imap.api.message.request.SearchOperation;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.CapabilityRequest;
import org.apache.james.imap.message.request.SearchRequest;
import org.apache.james.imap.message.response.CapabilityResponse;
import org.apache.james.imap.message.response.SearchResponse;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mailbox.model.MessageResultIterator;
import reactor.core.publisher.Mono;

/**
 * SORT and UID SORT in front of James's processors. The search itself is James's SEARCH run on the request's
 * search key (its sequence-set and MODSEQ handling included, over Dovetail's search index); its result is
 * taken, not sent, and the messages it found are ordered here ({@link SortOrder}). CAPABILITY gains SORT and
 * SORT=DISPLAY. Every other command passes through.
 */
final class SortProcessor implements ImapProcessor {
  static final List<Capability> CAPABILITIES = List.of(Capability.of("SORT"), Capability.of("SORT=DISPLAY"));

  private final ImapProcessor james;
  private final MailboxManager mailboxes;
  private final StatusResponseFactory responses;

  SortProcessor(ImapProcessor james, MailboxManager mailboxes, StatusResponseFactory responses) {
    this.james = james;
    this.mailboxes = mailboxes;
    this.responses = responses;
  }

  @Override
  public void configure(ImapConfiguration configuration) {
    james.configure(configuration);
  }

  @Override
  public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
    if (message instanceof SortRequest sort) {
      return sort(sort, responder, session);
    }
    if (message instanceof CapabilityRequest) {
      return james.processReactive(message, new WithSortCapability(responder), session);
    }
    return james.processReactive(message, responder, session);
  }

  private Mono<Void> sort(SortRequest request, Responder responder, ImapSession session) {
    SearchRequest search = new SearchRequest(new SearchOperation(request.search(), List.of()), request.useUids(),
        request.getTag());
    SearchResult result = new SearchResult(request, responder);
    return james.processReactive(search, result, session)
        .then(Mono.defer(() -> {
          if (result.ids == null) {
            return Mono.empty(); // the search failed and said so
          }
          return BlockingCalls.mono(() -> order(request, result, session))
              .doOnNext(ids -> {
                responder.respond(new SortResponse(ids, result.highestModSeq));
                responder.respond(responses.taggedOk(request.getTag(), SortRequest.SORT, HumanReadableText.COMPLETED));
                responder.flush();
              })
              .then();
        }));
  }

  private List<Long> order(SortRequest request, SearchResult found, ImapSession session) throws Exception {
    SelectedMailbox selected = session.getSelected();
    List<MessageUid> uids = new ArrayList<>();
    for (long id : found.ids) {
      if (request.useUids()) {
        uids.add(MessageUid.of(id));
      } else {
        selected.uid((int) id).ifPresent(uids::add);
      }
    }
    MailboxSession mailboxSession = session.getMailboxSession();
    MessageManager mailbox = mailboxes.getMailbox(selected.getMailboxId(), mailboxSession);
    SortOrder order = new SortOrder(request.keys());
    List<SortOrder.Entry> entries = new ArrayList<>();
    for (MessageRange range : MessageRange.toRanges(uids)) {
      MessageResultIterator it = mailbox.getMessages(range, FetchGroup.HEADERS, mailboxSession);
      while (it.hasNext()) {
        MessageResult m = it.next();
        try {
          entries.add(order.entry(m));
        } catch (IOException e) {
          if (!MessageGoneException.causedBy(e)) {
            throw e;
          }
          // Expunged by another writer while the SORT ran: left out, as SEARCH and FETCH leave it out (the SORT failed).
        }
      }
    }
    List<Long> out = new ArrayList<>();
    for (MessageUid uid : order.sort(entries)) {
      if (request.useUids()) {
        out.add(uid.asLong());
      } else {
        selected.msn(uid).ifPresent(msn -> out.add((long) msn.asInt()));
      }
    }
    return out;
  }

  /** Takes the SEARCH result and its tagged OK; passes on the rest, a failure as SORT's. */
  private final class SearchResult implements Responder {
    private final SortRequest request;
    private final Responder client;
    private List<Long> ids;
    private ModSeq highestModSeq;

    SearchResult(SortRequest request, Responder client) {
      this.request = request;
      this.client = client;
    }

    @Override
    public void respond(ImapResponseMessage message) {
      if (message instanceof SearchResponse search) {
        ids = new ArrayList<>(search.getIds());
        highestModSeq = search.getHighestModSeq();
      } else if (message instanceof StatusResponse status && status.getTag() != null) {
        if (status.getServerResponseType() != StatusResponse.Type.OK) {
          ids = null;
          client.respond(status.getServerResponseType() == StatusResponse.Type.BAD
              ? responses.taggedBad(request.getTag(), SortRequest.SORT, status.getTextKey(), status.getResponseCode())
              : responses.taggedNo(request.getTag(), SortRequest.SORT, status.getTextKey(), status.getResponseCode()));
        } else if (ids == null) {
          ids = List.of();
        }
      } else {
        client.respond(message);
      }
    }

    @Override
    public void flush() {
      client.flush();
    }
  }

  /** CAPABILITY as James answers it, plus SORT and SORT=DISPLAY. */
  private static final class WithSortCapability implements Responder {
    private final Responder client;

    WithSortCapability(Responder client) {
      this.client = client;
    }

    @Override
    public void respond(ImapResponseMessage message) {
      if (message instanceof CapabilityResponse caps) {
        Set<Capability> more = new HashSet<>(caps.getCapabilities());
        more.addAll(CAPABILITIES);
        client.respond(new CapabilityResponse(more));
      } else {
        client.respond(message);
      }
    }

    @Override
    public void flush() {
      client.flush();
    }
  }
}
