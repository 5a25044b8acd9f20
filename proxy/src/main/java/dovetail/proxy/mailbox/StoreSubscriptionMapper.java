package dovetail.proxy.mailbox;

import dovetail.store.StoreException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.exception.MailboxNameException;
import org.apache.james.mailbox.exception.SubscriptionException;
import org.apache.james.mailbox.model.MailboxConstants;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.store.user.SubscriptionMapper;
import org.apache.james.mailbox.store.user.model.Subscription;

/**
 * Subscriptions are the store's {@code subscriptions} file, which Dovecot reads too. Only the owner's are visible.
 *
 * <p>The file holds plain folder names (the store's names, as the migrator writes them). James 3.8.1's
 * StoreSubscriptionManager hands over a serialized MailboxPath instead ({@code MailboxPath.asEscapedString()},
 * {@code #private:alice:Archive}) when it subscribes, that or the plain name when it unsubscribes, and parses what
 * it reads back the same way. So names are taken apart here on the way in ({@link #folderOf}) and given back
 * serialized, which James parses back exactly (a plain name with ':' in it would not parse as itself).
 *
 * <p>Dovetail once wrote James's form into the file, which Dovecot then listed as folders of that name. Such lines
 * are read as the folder they name, and the next change through here rewrites them as plain names.
 */
final class StoreSubscriptionMapper implements SubscriptionMapper {
  private static final String PRIVATE_PREFIX = MailboxConstants.USER_NAMESPACE + ":";

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
      String folder = FolderNames.toStore(folderOf(subscription.getMailbox()), delimiter);
      rewriteJamesForm();
      user.store().setSubscribed(folder, subscribed);
    } catch (MailboxNameException | StoreException e) {
      throw new SubscriptionException(e);
    }
  }

  /**
   * Replaces every line in James's form by the plain name it stands for: the plain name first, so that a crash in
   * between leaves the subscription in place (read twice as one name). A line whose folder the store cannot name
   * stays as it is.
   */
  private void rewriteJamesForm() {
    for (String stored : user.store().subscriptions()) {
      String jamesName = FolderNames.toJames(stored, delimiter);
      String folder = folderOf(jamesName);
      if (folder.equals(jamesName)) {
        continue;
      }
      try {
        user.store().setSubscribed(FolderNames.toStore(folder, delimiter), true);
        user.store().setSubscribed(stored, false);
      } catch (MailboxNameException | StoreException e) {
        // left for Dovecot to show as it is; the change asked for still happens
      }
    }
  }

  /**
   * The folder name (James's form, session delimiter) of what James calls a subscription: a serialized path of the
   * owner's own namespace ({@code #private:alice:Archive}) is the name in it; anything else is a name as it is.
   */
  private String folderOf(String subscription) {
    if (!subscription.startsWith(PRIVATE_PREFIX)) {
      return subscription;
    }
    Optional<MailboxPath> path = MailboxPath.parseEscaped(subscription);
    return path.filter(p -> MailboxConstants.USER_NAMESPACE.equals(p.getNamespace()))
        .filter(p -> p.getUser() != null && p.getUser().asString().equalsIgnoreCase(owner.asString()))
        .map(MailboxPath::getName)
        .filter(name -> !name.isEmpty())
        .orElse(subscription);
  }

  @Override
  public List<Subscription> findSubscriptionsForUser(Username name) throws SubscriptionException {
    if (!owner.equals(name)) {
      return List.of();
    }
    try {
      Set<String> folders = new LinkedHashSet<>();
      for (String stored : user.store().subscriptions()) {
        folders.add(folderOf(FolderNames.toJames(stored, delimiter)));
      }
      return folders.stream()
          .map(folder -> new Subscription(owner, MailboxPath.forUser(owner, folder).asEscapedString()))
          .toList();
    } catch (StoreException e) {
      throw new SubscriptionException(e);
    }
  }
}
