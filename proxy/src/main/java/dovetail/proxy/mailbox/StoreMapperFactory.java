package dovetail.proxy.mailbox;

import java.time.Clock;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.mail.AnnotationMapper;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.MessageIdMapper;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.ModSeqProvider;
import org.apache.james.mailbox.store.mail.UidProvider;
import org.apache.james.mailbox.store.user.SubscriptionMapper;

/** James's mapper SPI over the store: each session's mappers see only that session user's store. */
final class StoreMapperFactory extends MailboxSessionMapperFactory {
  private static final String USER_KEY = StoreMapperFactory.class.getName() + ".user";
  private final UserMailboxes.Registry users;
  private final ShapeCache shapes;
  private final ExternalChanges changes;
  private final Clock clock;
  private final StoreUidProvider uids;
  private final StoreModSeqProvider modSeqs;

  StoreMapperFactory(UserMailboxes.Registry users, ShapeCache shapes, ExternalChanges changes, Clock clock) {
    this.users = users;
    this.shapes = shapes;
    this.changes = changes;
    this.clock = clock;
    this.uids = new StoreUidProvider(users);
    this.modSeqs = new StoreModSeqProvider(users);
  }

  /** The session's user, bound to the session: its registry entry stays while the session lives. */
  private UserMailboxes userOf(MailboxSession session) {
    return (UserMailboxes) session.getAttributes().computeIfAbsent(USER_KEY, k -> users.of(session.getUser().asString()));
  }

  @Override
  public AnnotationMapper createAnnotationMapper(MailboxSession session) {
    return new NoAnnotationMapper();
  }

  @Override
  public MessageMapper createMessageMapper(MailboxSession session) {
    return new StoreMessageMapper(session, userOf(session), shapes, changes, uids, modSeqs, clock);
  }

  @Override
  public MessageIdMapper createMessageIdMapper(MailboxSession session) {
    return new NoMessageIdMapper();
  }

  @Override
  public MailboxMapper createMailboxMapper(MailboxSession session) {
    return new StoreMailboxMapper(userOf(session), session);
  }

  @Override
  public SubscriptionMapper createSubscriptionMapper(MailboxSession session) {
    return new StoreSubscriptionMapper(userOf(session), session);
  }

  @Override
  public UidProvider getUidProvider() {
    return uids;
  }

  @Override
  public ModSeqProvider getModSeqProvider() {
    return modSeqs;
  }
}
