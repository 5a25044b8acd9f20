package dovetail.proxy.mailbox;

import java.time.Clock;
import java.util.EnumSet;
import javax.mail.Flags;
import org.apache.james.events.EventBus;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.store.JVMMailboxPathLocker;
import org.apache.james.mailbox.store.MailboxManagerConfiguration;
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

  @Override
  protected StoreMessageManager createMessageManager(Mailbox mailbox, MailboxSession session) {
    return new DovetailMessageManager(this, mailbox, new MessageStorer.WithoutAttachment(getMapperFactory(),
        getMessageIdFactory(), new MessageFactory.StoreMessageFactory(), getThreadIdGuessingAlgorithm(), clock));
  }

  /** Keywords are stored (Maildir keyword letters), so any user flag is permanent: PERMANENTFLAGS has \*. */
  static final class DovetailMessageManager extends StoreMessageManager {
    DovetailMessageManager(DovetailMailboxManager manager, Mailbox mailbox, MessageStorer storer) {
      super(DEFAULT_NO_MESSAGE_CAPABILITIES, manager.getMapperFactory(), manager.getMessageSearchIndex(),
          manager.getEventBus(), manager.getLocker(), mailbox, manager.getQuotaComponents().getQuotaManager(),
          manager.getQuotaComponents().getQuotaRootResolver(), MailboxManagerConfiguration.DEFAULT.getBatchSizes(),
          manager.getStoreRightManager(), manager.getPreDeletionHooks(), storer);
    }

    @Override
    public Flags getPermanentFlags(MailboxSession session) {
      Flags flags = new Flags(super.getPermanentFlags(session));
      flags.add(Flags.Flag.USER);
      return flags;
    }
  }
}
