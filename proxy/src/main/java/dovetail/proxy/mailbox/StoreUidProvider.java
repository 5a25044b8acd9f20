package dovetail.proxy.mailbox;

import dovetail.store.StoreException;
import java.util.Optional;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.UidProvider;

/**
 * UIDs come from the store's uidlist. The store assigns them when it commits, so {@link #nextUid} is only the
 * folder's current NEXTUID (James's suggestion, which {@link StoreMessageMapper} ignores).
 */
final class StoreUidProvider implements UidProvider {
  private final UserMailboxes.Registry users;

  StoreUidProvider(UserMailboxes.Registry users) {
    this.users = users;
  }

  private long storeNextUid(MailboxId id) throws MailboxException {
    UserMailboxes.Folder f = users.folder((StoreMailboxId) id);
    try {
      return f.mailbox().status().nextUid();
    } catch (StoreException e) {
      throw StoreErrors.toJames(e, f.name());
    }
  }

  @Override
  public MessageUid nextUid(Mailbox mailbox) throws MailboxException {
    return nextUid(mailbox.getMailboxId());
  }

  @Override
  public Optional<MessageUid> lastUid(Mailbox mailbox) throws MailboxException {
    long next = storeNextUid(mailbox.getMailboxId());
    return next <= 1 ? Optional.empty() : Optional.of(MessageUid.of(next - 1));
  }

  @Override
  public MessageUid nextUid(MailboxId mailboxId) throws MailboxException {
    return MessageUid.of(storeNextUid(mailboxId));
  }
}
