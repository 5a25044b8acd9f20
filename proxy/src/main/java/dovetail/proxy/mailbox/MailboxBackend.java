package dovetail.proxy.mailbox;

import dovetail.proxy.search.StoreSearchIndex;
import dovetail.store.MailStore;
import dovetail.store.UidSet;
import java.io.IOException;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Optional;
import java.util.function.Function;
import org.apache.james.events.EventBus;
import org.apache.james.events.InVMEventBus;
import org.apache.james.events.MemoryEventDeadLetters;
import org.apache.james.events.RetryBackoffConfiguration;
import org.apache.james.events.delivery.InVmEventDelivery;
import org.apache.james.mailbox.AttachmentContentLoader;
import org.apache.james.mailbox.Authenticator;
import org.apache.james.mailbox.Authorizator;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.SubscriptionManager;
import org.apache.james.mailbox.acl.UnionMailboxACLResolver;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.quota.QuotaManager;
import org.apache.james.mailbox.quota.QuotaRootResolver;
import org.apache.james.mailbox.store.SessionProviderImpl;
import org.apache.james.mailbox.store.StoreMailboxAnnotationManager;
import org.apache.james.mailbox.store.StoreRightManager;
import org.apache.james.mailbox.store.StoreSubscriptionManager;
import org.apache.james.mailbox.store.extractor.DefaultTextExtractor;
import org.apache.james.mailbox.store.quota.DefaultUserQuotaRootResolver;
import org.apache.james.mailbox.store.quota.NoMaxQuotaManager;
import org.apache.james.mailbox.store.quota.NoQuotaManager;
import org.apache.james.mailbox.store.quota.QuotaComponents;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.logger.DefaultMetricFactory;
import reactor.core.publisher.Mono;

/**
 * The James mailbox side of Dovetail, assembled in one place: James's StoreMailboxManager (its 14 constructor
 * arguments stay here) over mappers on the store, an in-VM event bus, no quota, and Dovetail's scanning search.
 */
public final class MailboxBackend {
  /** Cached header/MIME scans; an entry is a few hundred bytes. */
  private static final long SHAPE_CACHE_ENTRIES = 100_000;
  /** Cached header bytes (for SEARCH on header fields): 32 MB, some 30,000 ordinary headers. */
  private static final long HEADER_CACHE_BYTES = 32L << 20;

  private final RecentClaims recentClaims;
  private final MetricFactory metrics;
  private final GuardedEventBus eventBus;
  private final StoreMapperFactory mappers;
  private final SessionProvider sessions;
  private final DovetailMailboxManager mailboxManager;
  private final StoreSubscriptionManager subscriptions;
  private final QuotaComponents quota;
  private final UserMailboxes.Registry users;

  private MailboxBackend(Function<String, MailStore> stores, SessionProvider sessions, Clock clock) {
    metrics = new DefaultMetricFactory();
    eventBus = new GuardedEventBus(new InVMEventBus(new InVmEventDelivery(metrics), RetryBackoffConfiguration.DEFAULT,
        new MemoryEventDeadLetters()));
    users = new UserMailboxes.Registry(stores);
    recentClaims = new RecentClaims(users);
    mappers = new StoreMapperFactory(users,
        new ShapeCache(SHAPE_CACHE_ENTRIES, HEADER_CACHE_BYTES), new ExternalChanges(eventBus), clock);
    this.sessions = sessions;
    StoreRightManager rights = new StoreRightManager(mappers, new UnionMailboxACLResolver(), eventBus);
    quota = new QuotaComponents(new NoMaxQuotaManager(), new NoQuotaManager(),
        new DefaultUserQuotaRootResolver(sessions, mappers));
    AttachmentContentLoader noAttachments = (attachment, session) -> {
      throw new IOException("attachments are not stored apart from their message");
    };
    // Dovetail's own search (James's narrows OR/NOT to a UID set, and dates Date: headers in UTC); days as Dovecot's.
    StoreSearchIndex index = new StoreSearchIndex(mappers, new DefaultTextExtractor(), noAttachments, ZoneId.systemDefault());
    mailboxManager = new DovetailMailboxManager(mappers, sessions, new StoreMessageId.Factory(),
        new StoreMailboxAnnotationManager(mappers, rights), eventBus, rights, quota, index, clock);
    subscriptions = new StoreSubscriptionManager(mappers, mappers, eventBus);
  }

  /**
   * @param stores opens a user's store (called once per user and process)
   * @param authenticator checks passwords (IMAP LOGIN, AUTHENTICATE PLAIN)
   * @param authorizator whether one user may act as another (SASL authzid); Dovetail refuses unless a master user
   */
  public static MailboxBackend create(Function<String, MailStore> stores, Authenticator authenticator,
      Authorizator authorizator, Clock clock) {
    return create(stores, new SessionProviderImpl(authenticator, authorizator), clock);
  }

  /** @param sessions logs users in (see dovetail.proxy.auth.Authentication: master users need their own) */
  public static MailboxBackend create(Function<String, MailStore> stores, SessionProvider sessions, Clock clock) {
    return new MailboxBackend(stores, sessions, clock);
  }

  /**
   * The legacy folder's HIGHESTMODSEQ rose after its migration (a client still syncs with the legacy server): the
   * folder's mod-sequences go above it, so that such a client resyncs every flag when it comes here.
   */
  public void legacyModSeqRose(String user, String folder) {
    users.of(user).legacyModSeqRose(folder);
  }

  public MailboxManager mailboxManager() {
    return mailboxManager;
  }

  public SubscriptionManager subscriptionManager() {
    return subscriptions;
  }

  /** Which session each new message is \Recent in, for every IMAP listener of this server. */
  public RecentClaims recentClaims() {
    return recentClaims;
  }

  public EventBus eventBus() {
    return eventBus;
  }

  /** Listeners registered now for folders' events: one per folder selected in a session (a gauge; tests). */
  public int folderListeners() {
    return eventBus.keyRegistrations();
  }

  public QuotaManager quotaManager() {
    return quota.getQuotaManager();
  }

  public QuotaRootResolver quotaRootResolver() {
    return quota.getQuotaRootResolver();
  }

  public MetricFactory metrics() {
    return metrics;
  }

  /**
   * QRESYNC (RFC 7162): the UIDs of a folder that were expunged at a mod-sequence above {@code modSeq}, by this
   * process or by another writer. Looks at the folder first, so an expunge made by Dovecot a moment ago counts.
   */
  public UidSet expungedSince(MailboxSession session, MailboxId mailboxId, long modSeq) throws MailboxException {
    StoreMessageMapper mapper = (StoreMessageMapper) mappers.getMessageMapper(session);
    StoreMailboxMapper folders = (StoreMailboxMapper) mappers.getMailboxMapper(session);
    return mapper.expungedSince(folders.mailboxById(mailboxId), modSeq);
  }

  /**
   * The mod-sequence a client's cache stands for (CONDSTORE, QRESYNC): 0, that is everything, for one above the folder's
   * HIGHESTMODSEQ, which this folder never showed. Such a value is another server's: the legacy server's, from a
   * device that synced there after the migration, before a check for late mail raised the folder above it (or a
   * Dovecot serving the same store). A client asking with it is told every flag and expunge, and converges.
   */
  public long knownModSeq(MailboxSession session, MailboxId mailboxId, long clientModSeq) throws MailboxException {
    StoreMessageMapper mapper = (StoreMessageMapper) mappers.getMessageMapper(session);
    StoreMailboxMapper folders = (StoreMailboxMapper) mappers.getMailboxMapper(session);
    return clientModSeq > mapper.getHighestModSeq(folders.mailboxById(mailboxId)).asLong() ? 0 : clientModSeq;
  }

  /**
   * What the legacy server said of the special use of the session user's folder at {@code path} (RFC 6154), when
   * the folder was set up from the legacy server; empty for a folder created here (or a passwd-file user's) and for
   * anything that is not the user's folder. Known for the folders that the mailbox search of a LIST found (it reads
   * their state then); never blocks.
   */
  public Optional<LegacySpecialUse> legacySpecialUse(MailboxSession session, MailboxPath path) {
    return ((StoreMailboxMapper) mappers.getMailboxMapper(session)).legacySpecialUse(path);
  }

  /** Whether the folder behind {@code mailboxId} is still there (another writer may have deleted or renamed it). */
  public Mono<Boolean> exists(MailboxSession session, MailboxId mailboxId) {
    return BlockingCalls.mono(() -> {
      try {
        ((StoreMailboxMapper) mappers.getMailboxMapper(session)).mailboxById(mailboxId);
        return true;
      } catch (MailboxNotFoundException e) {
        return false;
      }
    });
  }

  /**
   * Looks at a folder now and announces other writers' changes to every session that has it selected. IMAP
   * calls this on NOOP, CHECK and IDLE, and a timer calls it for folders in use.
   */
  public Mono<Void> refresh(MailboxSession session, MailboxId mailboxId) {
    return BlockingCalls.mono(() -> {
      StoreMessageMapper mapper = (StoreMessageMapper) mappers.getMessageMapper(session);
      return mapper.refresh(((StoreMailboxMapper) mappers.getMailboxMapper(session)).mailboxById(mailboxId));
    })
        .flatMap(announced -> announced)
        .onErrorResume(MailboxException.class, e -> Mono.empty());
  }
}
