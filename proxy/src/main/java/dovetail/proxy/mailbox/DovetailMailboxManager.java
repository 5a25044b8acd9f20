package dovetail.proxy.mailbox;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.james.mailbox.model.MailboxACL;
import org.apache.james.mailbox.model.MailboxCounters;
import org.apache.james.mailbox.model.MailboxMetaData;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.UidValidity;
import org.apache.james.mailbox.model.search.MailboxQuery;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import java.util.EnumSet;
import javax.mail.Flags;
import org.apache.james.events.EventBus;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.ReadOnlyException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.store.JVMMailboxPathLocker;
import org.apache.james.mailbox.store.MailboxManagerConfiguration;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.MessageFactory;
import org.apache.james.mailbox.store.MessageStorer;
import org.apache.james.mailbox.store.PreDeletionHooks;
import org.apache.james.mailbox.store.StoreMailboxAnnotationManager;
import org.apache.james.mailbox.store.StoreMailboxManager;
import org.apache.james.mailbox.store.StoreMessageManager;
import org.apache.james.mailbox.store.StoreRightManager;
import org.apache.james.mailbox.store.mail.NaiveThreadIdGuessingAlgorithm;
import org.apache.james.mailbox.store.mail.model.impl.MessageParser;
import org.apache.james.mailbox.store.quota.QuotaComponents;
import org.apache.james.mailbox.store.search.MessageSearchIndex;

/**
 * James's StoreMailboxManager with what the store really offers: MOVE, keywords (user flags), NAMESPACE; no ACL,
 * no quota, no annotations, no message-id access. Built only by {@link MailboxBackend}.
 */
final class DovetailMailboxManager extends StoreMailboxManager {
  private static final EnumSet<MailboxCapabilities> CAPABILITIES =
      EnumSet.of(MailboxCapabilities.Move, MailboxCapabilities.UserFlag, MailboxCapabilities.Namespace);

  private final Clock clock;

  DovetailMailboxManager(StoreMapperFactory mappers, SessionProvider sessions, MessageId.Factory messageIds,
      StoreMailboxAnnotationManager annotations, EventBus eventBus, StoreRightManager rights, QuotaComponents quota,
      MessageSearchIndex index, Clock clock) {
    super(mappers, sessions, new JVMMailboxPathLocker(), new MessageParser(), messageIds, annotations, eventBus, rights,
        quota, index, MailboxManagerConfiguration.DEFAULT, PreDeletionHooks.NO_PRE_DELETION_HOOK,
        new NaiveThreadIdGuessingAlgorithm(), clock);
    this.clock = clock;
  }

  @Override
  public EnumSet<MailboxCapabilities> getSupportedMailboxCapabilities() {
    return CAPABILITIES;
  }

  /**
   * Dovecot lists a folder's missing parent (".Projekte.Über" without ".Projekte" on disk) as
   * {@code \Noselect \HasChildren}; James lists only folders that exist, so a client would lose the level. The
   * parents that match the query are added here, where LIST gets its folders.
   */
  @Override
  public Flux<MailboxMetaData> search(MailboxQuery query, MailboxSearchFetchType fetchType, MailboxSession session) {
    Flux<MailboxMetaData> found = super.search(query, fetchType, session);
    if (!query.isPrivateMailboxes(session)) {
      return found;
    }
    MailboxQuery everything = MailboxQuery.privateMailboxesBuilder(session).matchesAllMailboxNames().build();
    return super.search(everything, MailboxSearchFetchType.Minimal, session)
        .map(MailboxMetaData::getPath)
        .collect(Collectors.toSet())
        .flatMapMany(existing -> found.concatWith(Flux.fromIterable(missingParents(existing, query, session))))
        .sort(MailboxMetaData.COMPARATOR);
  }

  private static List<MailboxMetaData> missingParents(Set<MailboxPath> existing, MailboxQuery query,
      MailboxSession session) {
    Set<MailboxPath> parents = new TreeSet<>(Comparator.comparing(MailboxPath::getName));
    for (MailboxPath path : existing) {
      for (MailboxPath parent : path.getParents(session.getPathDelimiter())) {
        if (!existing.contains(parent) && query.isPathMatch(parent)) {
          parents.add(parent);
        }
      }
    }
    List<MailboxMetaData> out = new ArrayList<>();
    for (MailboxPath parent : parents) {
      Mailbox placeholder = new Mailbox(parent, UidValidity.of(1), StoreMailboxId.NONE);
      out.add(new MailboxMetaData(placeholder, session.getPathDelimiter(), MailboxMetaData.Children.HAS_CHILDREN,
          MailboxMetaData.Selectability.NOSELECT, MailboxACL.EMPTY, MailboxCounters.empty(StoreMailboxId.NONE)));
    }
    return out;
  }

  @Override
  protected StoreMessageManager createMessageManager(Mailbox mailbox, MailboxSession session) {
    MessageStorer storer = new MessageStorer.WithoutAttachment(getMapperFactory(), getMessageIdFactory(),
        new MessageFactory.StoreMessageFactory(), getThreadIdGuessingAlgorithm(), clock);
    return mailbox.getMailboxId().equals(StoreMailboxId.NONE)
        ? new MissingParent(this, mailbox, storer) : new DovetailMessageManager(this, mailbox, storer);
  }

  /** A missing parent listed as \Noselect: it has no status, so LIST-STATUS sends none for it (RFC 5819). */
  static final class MissingParent extends DovetailMessageManager {
    MissingParent(DovetailMailboxManager manager, Mailbox mailbox, MessageStorer storer) {
      super(manager, mailbox, storer);
    }

    @Override
    public Mono<MessageManager.MailboxMetaData> getMetaDataReactive(MessageManager.MailboxMetaData.RecentMode recentMode,
        MailboxSession session, EnumSet<MessageManager.MailboxMetaData.Item> items) {
      return Mono.empty();
    }
  }

  /**
   * Keywords are stored (Maildir keyword letters), so any user flag is permanent: PERMANENTFLAGS has \*. It keeps it
   * even in a folder whose 26 letters are taken: without \*, James drops a new keyword from a STORE and answers OK
   * (StoreMessageManager trims flags to the permanent ones), where with it the store refuses, NO [LIMIT].
   */
  static class DovetailMessageManager extends StoreMessageManager {
    private final MailboxSessionMapperFactory mappers;

    DovetailMessageManager(DovetailMailboxManager manager, Mailbox mailbox, MessageStorer storer) {
      super(DEFAULT_NO_MESSAGE_CAPABILITIES, manager.getMapperFactory(), manager.getMessageSearchIndex(),
          manager.getEventBus(), manager.getLocker(), mailbox, manager.getQuotaComponents().getQuotaManager(),
          manager.getQuotaComponents().getQuotaRootResolver(), MailboxManagerConfiguration.DEFAULT.getBatchSizes(),
          manager.getStoreRightManager(), manager.getPreDeletionHooks(), storer);
      this.mappers = manager.getMapperFactory();
    }

    /**
     * SELECT's claim of the recent messages, without the FlagsUpdated event that James publishes for it: \Recent is
     * this session's alone and nobody else is told of it, yet every session of the folder would process that event
     * (one per SELECT after new mail) for nothing.
     */
    @Override
    protected Mono<List<MessageUid>> recent(MessageManager.MailboxMetaData.RecentMode recentMode,
        MailboxSession session) throws MailboxException {
      if (recentMode != MessageManager.MailboxMetaData.RecentMode.RESET) {
        return super.recent(recentMode, session);
      }
      if (!isWriteable(session)) {
        throw new ReadOnlyException(getMailboxPath());
      }
      StoreMessageMapper mapper = (StoreMessageMapper) mappers.getMessageMapper(session);
      return BlockingCalls.mono(() -> mapper.claimRecent(getMailboxEntity()));
    }

    @Override
    public Flags getPermanentFlags(MailboxSession session) {
      Flags flags = new Flags(super.getPermanentFlags(session));
      flags.add(Flags.Flag.USER);
      return flags;
    }
  }
}
