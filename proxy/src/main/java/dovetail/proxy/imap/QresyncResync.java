package dovetail.proxy.imap;

import dovetail.proxy.mailbox.BlockingCalls;
import dovetail.proxy.mailbox.MailboxBackend;
import dovetail.store.UidSet;
import dovetail.store.Uids;
import java.util.Arrays;
import java.util.List;
import java.util.PrimitiveIterator;
import java.util.stream.LongStream;
import javax.mail.Flags;
import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapConstants;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.message.IdRange;
import org.apache.james.imap.api.message.FetchData;
import org.apache.james.imap.api.message.UidRange;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.main.PathConverter;
import org.apache.james.imap.message.request.AbstractMailboxSelectionRequest;
import org.apache.james.imap.message.request.AbstractMailboxSelectionRequest.ClientSpecifiedUidValidity;
import org.apache.james.imap.message.request.ExamineRequest;
import org.apache.james.imap.message.request.FetchRequest;
import org.apache.james.imap.message.request.SelectRequest;
import org.apache.james.imap.message.response.FetchResponse;
import org.apache.james.imap.message.response.VanishedResponse;
import org.apache.james.imap.processor.EnableProcessor;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.ComposedMessageIdWithMetaData;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageRange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * QRESYNC's two resynchronisations (RFC 7162 §3.2.5, §3.2.6), answered from Dovetail's record of expunges by
 * mod-sequence. James 3.8.1 ignores the client's mod-sequence in {@code SELECT (QRESYNC ...)} (no FETCH of changed
 * flags) and, there and in {@code UID FETCH ... (CHANGEDSINCE m VANISHED)}, reports every UID of the range that is
 * not in the mailbox, walking the range one UID at a time. The QRESYNC parameters and the VANISHED modifier are
 * taken out of the request; James answers the plain command, and the resync responses are added before its
 * tagged OK (SELECT/EXAMINE) or before its FETCH responses (UID FETCH), as Dovecot orders them.
 *
 * <p>Untagged VANISHED instead of EXPUNGE after ENABLE QRESYNC is the selected-mailbox layer's job (James's
 * AbstractMailboxProcessor does it in 3.8.1).
 */
final class QresyncResync implements ImapProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(QresyncResync.class);
  private static final StatusResponseFactory RESPONSES = new UnpooledStatusResponseFactory();

  private final ImapProcessor james;
  private final MailboxBackend backend;
  private final MailboxManager mailboxes;

  QresyncResync(ImapProcessor james, MailboxBackend backend) {
    this.james = james;
    this.backend = backend;
    this.mailboxes = backend.mailboxManager();
  }

  @Override
  public void configure(ImapConfiguration configuration) {
    james.configure(configuration);
  }

  @Override
  public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
    boolean enabled = EnableProcessor.getEnabledCapabilities(session).contains(ImapConstants.SUPPORTS_QRESYNC);
    // Without ENABLE QRESYNC (or without CHANGEDSINCE), James answers BAD as the RFC asks.
    if (message instanceof AbstractMailboxSelectionRequest select) {
      return announceFirst(select, session)
          .doOnNext(target -> Reopening.of(target, enabled, session, responder))
          .then(Mono.defer(() -> enabled && !select.getLastKnownUidValidity().isUnknown()
              ? select(select, responder, session) : james.processReactive(message, responder, session)));
    }
    if (message instanceof FetchRequest fetch && fetch.getFetch().getChangedSince() != -1
        && session.getSelected() != null) {
      return Mono.fromCallable(() -> withKnownModSeq(fetch, session)).flatMap(known -> enabled && known.isUseUids()
          && known.getFetch().getVanished() ? fetchVanished(known, responder, session)
          : james.processReactive(known, responder, session));
    }
    return james.processReactive(message, responder, session);
  }

  /** The FETCH with CHANGEDSINCE 0 when its mod-sequence is above any the folder showed (see knownModSeq). */
  private FetchRequest withKnownModSeq(FetchRequest fetch, ImapSession session) {
    long asked = fetch.getFetch().getChangedSince();
    long known;
    try {
      known = backend.knownModSeq(session.getMailboxSession(), session.getSelected().getMailboxId(), asked);
    } catch (MailboxException e) {
      return fetch; // James's FETCH meets the same failure and answers NO
    }
    return known == asked ? fetch : new FetchRequest(fetch.isUseUids(), fetch.getIdSet(),
        FetchData.Builder.from(fetch.getFetch()).changedSince(known).build(), fetch.getTag());
  }

  /**
   * Announces other writers' changes to the folder before James's SelectedMailboxImpl registers for events: it
   * registers, then lists the folder, and that listing's look would announce changes its own UID list already
   * has (a second VANISHED or EXPUNGE for a UID the session never numbered).
   */
  private Mono<MailboxId> announceFirst(AbstractMailboxSelectionRequest select, ImapSession session) {
    MailboxSession mailboxSession = session.getMailboxSession();
    if (mailboxSession == null) {
      return Mono.empty();
    }
    return BlockingCalls.mono(() -> mailboxes.getMailbox(
            PathConverter.forSession(session).buildFullPath(select.getMailboxName()), mailboxSession).getId())
        .flatMap(id -> backend.refresh(mailboxSession, id).thenReturn(id))
        .onErrorResume(e -> Mono.empty()); // James's SELECT meets the same problem and answers it
  }

  private Mono<Void> select(AbstractMailboxSelectionRequest select, Responder responder, ImapSession session) {
    AbstractMailboxSelectionRequest plain = select instanceof ExamineRequest
        ? new ExamineRequest(select.getMailboxName(), select.getCondstore(), ClientSpecifiedUidValidity.UNKNOWN, null,
            null, null, null, select.getTag())
        : new SelectRequest(select.getMailboxName(), select.getCondstore(), ClientSpecifiedUidValidity.UNKNOWN, null,
            null, null, null, select.getTag());
    TaggedLast held = new TaggedLast(responder);
    return james.processReactive(plain, held, session)
        .then(Mono.defer(() -> held.succeeded() ? resyncOrFail(select, responder, session, held) : Mono.empty()))
        .doFinally(signal -> held.release());
  }

  /**
   * A client told OK would take its cache as current; when the resync cannot be worked out, the SELECT fails
   * instead (NO, and the session leaves the selected state, as after any failed SELECT).
   */
  private Mono<Void> resyncOrFail(AbstractMailboxSelectionRequest select, Responder responder, ImapSession session,
      TaggedLast held) {
    return Mono.<Void>fromRunnable(() -> resync(select, responder, session))
        .onErrorResume(e -> {
          LOG.warn("QRESYNC resync of {} failed: {}", select.getMailboxName(), e.toString());
          held.replace(RESPONSES.taggedNo(select.getTag(), select.getCommand(),
              HumanReadableText.GENERIC_FAILURE_DURING_PROCESSING));
          return session.deselect();
        });
  }

  /** The client's cached state is behind: what vanished and which flags changed since its mod-sequence. */
  private void resync(AbstractMailboxSelectionRequest select, Responder responder, ImapSession session) {
    SelectedMailbox selected = session.getSelected();
    MailboxSession mailboxSession = session.getMailboxSession();
    if (selected == null) {
      return;
    }
    try {
      MessageManager mailbox = mailboxes.getMailbox(selected.getMailboxId(), mailboxSession);
      if (!select.getLastKnownUidValidity().correspondsTo(mailbox.getMailboxEntity().getUidValidity())) {
        return; // §3.2.5: a different UIDVALIDITY means a full resync; a plain SELECT answer is right
      }
      long since = select.getKnownModSeq() == null ? 0
          : backend.knownModSeq(mailboxSession, selected.getMailboxId(), select.getKnownModSeq());
      UidSet scope = select.getUidSet() == null ? UidSet.of(1, Uids.MAX_UID) : toSet(select.getUidSet());
      UidSet vanished = backend.expungedSince(mailboxSession, selected.getMailboxId(), since).intersect(scope);
      long knownUpTo = lastMatchingUid(select.getKnownSequenceSet(), select.getKnownUidSet(), selected);
      vanished.remove(1, knownUpTo);
      respondVanished(vanished, selected, responder);
      List<UidSet.Range> ranges = scope.ranges();
      if (ranges.isEmpty()) {
        return;
      }
      // One listing, whatever the number of ranges the client sent.
      MessageRange range = MessageRange.range(MessageUid.of(ranges.get(0).low()),
          MessageUid.of(ranges.get(ranges.size() - 1).high()));
      Flux.from(mailbox.listMessagesMetadata(range, mailboxSession))
          .filter(m -> m.getModSeq().asLong() > since && scope.contains(m.getComposedMessageId().getUid().asLong()))
          .toIterable()
          .forEach(m -> respondFlags(m, selected, responder));
    } catch (MailboxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void respondFlags(ComposedMessageIdWithMetaData m, SelectedMailbox selected, Responder responder) {
    MessageUid uid = m.getComposedMessageId().getUid();
    selected.msn(uid).ifPresent(msn -> {
      Flags flags = m.getFlags();
      flags.remove(Flags.Flag.RECENT);
      responder.respond(new FetchResponse(msn, flags, uid, null, m.getModSeq(), null, null, null, null, null, null,
          null, null));
    });
  }

  /**
   * §3.2.5.2 message sequence match data: pairs of a message number and the UID the client has for it, in
   * ascending order. Up to the last pair that still matches, the client knows of every expunge. Walked lazily: the
   * walk stops at the first pair past the mailbox's end, whatever ranges the client sent.
   */
  private static long lastMatchingUid(IdRange[] sequences, UidRange[] uids, SelectedMailbox selected) {
    if (sequences == null || uids == null) {
      return 0;
    }
    PrimitiveIterator.OfLong msns = Arrays.stream(sequences)
        .flatMapToLong(r -> LongStream.rangeClosed(r.getLowVal(), r.getHighVal())).iterator();
    PrimitiveIterator.OfLong known = Arrays.stream(uids)
        .flatMapToLong(r -> LongStream.rangeClosed(r.getLowVal().asLong(), r.getHighVal().asLong())).iterator();
    long upTo = 0;
    while (msns.hasNext() && known.hasNext()) {
      long msn = msns.nextLong();
      long uid = known.nextLong();
      if (msn > selected.existsCount() || !selected.uid((int) msn).map(u -> u.asLong() == uid).orElse(false)) {
        break;
      }
      upTo = uid;
    }
    return upTo;
  }

  private Mono<Void> fetchVanished(FetchRequest fetch, Responder responder, ImapSession session) {
    FetchRequest plain = new FetchRequest(true, fetch.getIdSet(),
        FetchData.Builder.from(fetch.getFetch()).vanished(false).build(), fetch.getTag());
    return Mono.fromRunnable(() -> {
      SelectedMailbox selected = session.getSelected();
      if (selected == null) {
        return;
      }
      UidSet scope = new UidSet();
      for (IdRange r : fetch.getIdSet()) {
        long a = r.getLowVal();
        long b = r.getHighVal();
        scope.add(Math.max(1, Math.min(a, b)), Math.min(Uids.MAX_UID, Math.max(a, b))); // 5:3 is 3:5
      }
      try {
        UidSet vanished = backend.expungedSince(session.getMailboxSession(), selected.getMailboxId(),
            fetch.getFetch().getChangedSince()).intersect(scope);
        respondVanished(vanished, selected, responder);
      } catch (MailboxException e) {
        // James's FETCH below meets the same failure and answers NO.
      }
    }).then(james.processReactive(plain, responder, session));
  }

  /**
   * VANISHED (EARLIER), leaving out UIDs this session still numbers: their expunge has not been announced to it
   * yet and will come as an untagged VANISHED, which, unlike the EARLIER form, shifts message numbers.
   */
  private static void respondVanished(UidSet vanished, SelectedMailbox selected, Responder responder) {
    if (vanished.isEmpty()) {
      return;
    }
    for (int msn = 1; msn <= selected.existsCount(); msn++) {
      selected.uid(msn).ifPresent(u -> vanished.remove(u.asLong(), u.asLong()));
    }
    if (vanished.isEmpty()) {
      return;
    }
    UidRange[] ranges = vanished.ranges().stream()
        .map(r -> new UidRange(MessageUid.of(r.low()), MessageUid.of(r.high())))
        .toArray(UidRange[]::new);
    responder.respond(new VanishedResponse(ranges, true));
  }

  private static UidSet toSet(UidRange[] ranges) {
    UidSet set = new UidSet();
    for (UidRange r : ranges) {
      long a = r.getLowVal().asLong();
      long b = r.getHighVal().asLong();
      set.add(Math.max(1, Math.min(a, b)), Math.min(Uids.MAX_UID, Math.max(a, b)));
    }
    return set;
  }
}
