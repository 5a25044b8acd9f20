package dovetail.proxy.mailbox;

import dovetail.store.StoredMessage;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.events.EventBus;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.events.MailboxIdRegistrationKey;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.apache.james.mailbox.store.event.EventFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Announces, on James's event bus, what other writers changed in a folder (new messages, expunges, flag
 * changes), exactly as James announces changes made by its own sessions, so every session that has the folder
 * selected sends EXISTS, EXPUNGE and FETCH FLAGS (also in IDLE).
 */
public final class ExternalChanges {
  private static final Logger LOG = LoggerFactory.getLogger(ExternalChanges.class);
  /** Not a real session's id, so that no session treats these changes as its own (silent) ones. */
  private static final MailboxSession.SessionId SESSION = MailboxSession.SessionId.of(-1);

  private final EventBus eventBus;
  private final Map<MailboxId, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();

  public ExternalChanges(EventBus eventBus) {
    this.eventBus = eventBus;
  }

  /**
   * Starts announcing the changes at once (listeners run on other threads), and returns when every session has
   * received them. With no changes, returns when earlier announcements for the folder are received, so a NOOP
   * that follows a listing never answers before the listing's news arrived.
   */
  Mono<Void> publish(Mailbox mailbox, FolderState.Changes changes, FolderState state) {
    if (changes.isEmpty()) {
      CompletableFuture<Void> pending = inFlight.get(mailbox.getMailboxId());
      return pending == null ? Mono.empty() : Mono.fromFuture(pending);
    }
    LOG.debug("{}: {} new, {} expunged, {} flag changes by another writer", mailbox.getName(),
        changes.added().size(), changes.expunged().size(), changes.flags().size());
    MailboxIdRegistrationKey key = new MailboxIdRegistrationKey(mailbox.getMailboxId());
    Mono<Void> expunged = Mono.empty();
    if (!changes.expunged().isEmpty()) {
      SortedMap<MessageUid, MessageMetaData> meta = new TreeMap<>();
      changes.expunged().forEach((uid, m) -> meta.put(MessageUid.of(uid), metaData(m, state.highest())));
      expunged = eventBus.dispatch(EventFactory.expunged().randomEventId().user(mailbox.getUser()).sessionId(SESSION)
          .mailbox(mailbox).metaData(meta).build(), key);
    }
    Mono<Void> added = Mono.empty();
    if (!changes.added().isEmpty()) {
      SortedMap<MessageUid, MessageMetaData> meta = new TreeMap<>();
      for (StoredMessage m : changes.added()) {
        meta.put(MessageUid.of(m.uid()), metaData(m, state.modSeq(m.uid())));
      }
      added = eventBus.dispatch(EventFactory.added().randomEventId().user(mailbox.getUser()).sessionId(SESSION)
          .mailbox(mailbox).metaData(meta).isDelivery(true).build(), key);
    }
    Mono<Void> flags = Mono.empty();
    if (!changes.flags().isEmpty()) {
      List<UpdatedFlags> updated = changes.flags().stream()
          .map(c -> UpdatedFlags.builder()
              .uid(MessageUid.of(c.message().uid()))
              .messageId(new StoreMessageId(c.message().guid()))
              .modSeq(ModSeq.of(c.modSeq()))
              .oldFlags(FlagsMapping.toJames(c.before()))
              .newFlags(FlagsMapping.toJames(c.message().flags()))
              .build())
          .toList();
      flags = eventBus.dispatch(EventFactory.flagsUpdated().randomEventId().user(mailbox.getUser()).sessionId(SESSION)
          .mailbox(mailbox).updatedFlags(updated).build(), key);
    }
    CompletableFuture<Void> delivery = Flux.concat(expunged, added, flags).then()
        .onErrorResume(e -> {
          LOG.warn("{}: could not announce changes by another writer: {}", mailbox.getName(), e.toString());
          return Mono.empty();
        })
        .toFuture();
    MailboxId id = mailbox.getMailboxId();
    inFlight.put(id, delivery);
    delivery.whenComplete((ok, e) -> inFlight.remove(id, delivery));
    return Mono.fromFuture(delivery);
  }

  static MessageMetaData metaData(StoredMessage m, long modSeq) {
    StoreMessageId id = new StoreMessageId(m.guid());
    return new MessageMetaData(MessageUid.of(m.uid()), ModSeq.of(modSeq), FlagsMapping.toJames(m.flags()), m.virtualSize(),
        Date.from(m.internalDate()), Optional.empty(), id, new ThreadId(id));
  }
}
