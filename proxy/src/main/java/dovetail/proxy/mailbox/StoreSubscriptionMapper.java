package dovetail.proxy.mailbox;

import dovetail.store.StoreException;
import java.util.List;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.exception.MailboxNameException;
import org.apache.james.mailbox.exception.SubscriptionException;
import org.apache.james.mailbox.store.user.SubscriptionMapper;
import org.apache.james.mailbox.store.user.model.Subscription;

/** Subscriptions are the store's `subscriptions` file, which Dovecot reads too. Only the owner's are visible. */
final class StoreSubscriptionMapper implements SubscriptionMapper {
  private final UserMailboxes user;
  private final Username owner;
  private final char delimiter;

  StoreSubscriptionMapper(UserMailboxes user, MailboxSession session) {
    this.user = user;
    this.owner = session.getUser();
    this.delimiter = session.getPathDelimiter();
  }

  @Override
  public void save(Subscription subscription) throws SubscriptionException {
    set(subscription, true);
  }

  @Override
  public void delete(Subscription subscription) throws SubscriptionException {
    set(subscription, false);
  }

  private void set(Subscription subscription, boolean subscribed) throws SubscriptionException {
    if (!owner.equals(subscription.getUser())) {
      throw new SubscriptionException();
    }
    try {
      user.store().setSubscribed(FolderNames.toStore(subscription.getMailbox(), delimiter), subscribed);
    } catch (MailboxNameException | StoreException e) {
      throw new SubscriptionException(e);
    }
  }

  @Override
  public List<Subscription> findSubscriptionsForUser(Username name) throws SubscriptionException {
    if (!owner.equals(name)) {
      return List.of();
    }
    try {
      return user.store().subscriptions().stream()
          .map(folder -> new Subscription(owner, FolderNames.toJames(folder, delimiter)))
          .toList();
    } catch (StoreException e) {
      throw new SubscriptionException(e);
    }
  }
}
