package dovetail.proxy.imap;

import dovetail.proxy.mailbox.ConditionalStore;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.IdRange;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponse.ResponseCode;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.StoreRequest;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import reactor.core.publisher.Mono;

/**
 * A STORE with UNCHANGEDSINCE is tested again where it is applied ({@link ConditionalStore}): the messages the store
 * left untouched there, because another session changed them after James's test, join James's own in the tagged
 * {@code OK [MODIFIED ...]} (as UIDs for UID STORE, as message numbers for STORE).
 */
final class ConditionalStores implements ImapProcessor {
  private static final StatusResponseFactory RESPONSES = new UnpooledStatusResponseFactory();

  private final ImapProcessor james;

  ConditionalStores(ImapProcessor james) {
    this.james = james;
  }

  @Override
  public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
    MailboxSession mailboxSession = session.getMailboxSession();
    if (!(message instanceof StoreRequest store) || store.getUnchangedSince() == -1 || mailboxSession == null) {
      return james.processReactive(message, responder, session);
    }
    return Mono.defer(() -> {
      ConditionalStore command = ConditionalStore.begin(mailboxSession, store.getUnchangedSince());
      return james.processReactive(message, new Answering(store, responder, session, command), session)
          .doFinally(signal -> command.end(mailboxSession));
    });
  }

  /** The tagged OK, with the messages refused under the lock added to its MODIFIED set. */
  private static final class Answering implements Responder {
    private final StoreRequest store;
    private final Responder delegate;
    private final ImapSession session;
    private final ConditionalStore command;

    Answering(StoreRequest store, Responder delegate, ImapSession session, ConditionalStore command) {
      this.store = store;
      this.delegate = delegate;
      this.session = session;
      this.command = command;
    }

    @Override
    public void respond(ImapResponseMessage message) {
      SortedSet<Long> refused = command.refused();
      if (!refused.isEmpty() && message instanceof StatusResponse status
          && status.getServerResponseType() == StatusResponse.Type.OK && store.getTag().equals(status.getTag())) {
        List<Long> numbers = new ArrayList<>();
        SelectedMailbox selected = session.getSelected();
        for (long uid : refused) {
          if (store.isUseUids()) {
            numbers.add(uid);
          } else if (selected != null) {
            selected.msn(MessageUid.of(uid)).ifPresent(msn -> numbers.add((long) msn.asInt()));
          }
        }
        message = withModified(status, numbers);
      }
      delegate.respond(message);
    }

    @Override
    public void flush() {
      delegate.flush();
    }
  }

  /** James's tagged OK with {@code numbers} (UIDs or message numbers, as the command's) joined to its MODIFIED set. */
  static StatusResponse withModified(StatusResponse status, List<Long> numbers) {
    List<IdRange> modified = new ArrayList<>(jamesModified(status));
    numbers.forEach(n -> modified.add(new IdRange(n)));
    if (modified.isEmpty()) {
      return status;
    }
    return RESPONSES.taggedOk(status.getTag(), status.getCommand(), HumanReadableText.FAILED,
        ResponseCode.condStore(IdRange.mergeRanges(modified).toArray(IdRange[]::new)));
  }

  /** The set of James's own {@code [MODIFIED set]}, if its answer has one. */
  static List<IdRange> jamesModified(StatusResponse status) {
    ResponseCode code = status.getResponseCode();
    List<IdRange> ranges = new ArrayList<>();
    if (code == null || !"MODIFIED".equals(code.getCode())) {
      return ranges;
    }
    for (String set : code.getParameters()) {
      for (String range : set.split(",")) {
        String[] ends = range.split(":");
        if (ends.length == 1 && ends[0].matches("\\d+")) {
          ranges.add(new IdRange(Long.parseLong(ends[0])));
        } else if (ends.length == 2 && ends[0].matches("\\d+") && ends[1].matches("\\d+")) {
          long a = Long.parseLong(ends[0]);
          long b = Long.parseLong(ends[1]);
          ranges.add(new IdRange(Math.min(a, b), Math.max(a, b)));
        }
      }
    }
    return ranges;
  }

  @Override
  public void configure(ImapConfiguration configuration) {
    james.configure(configuration);
  }
}
