package dovetail.proxy.mailbox;

import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.ModSeqProvider;

/** Mod-sequences from each folder's {@link FolderState}. */
final class StoreModSeqProvider implements ModSeqProvider {
  private final UserMailboxes.Registry users;

  StoreModSeqProvider(UserMailboxes.Registry users) {
    this.users = users;
  }

  @Override
  public ModSeq nextModSeq(Mailbox mailbox) throws MailboxException {
    return nextModSeq(mailbox.getMailboxId());
  }

  @Override
  public ModSeq nextModSeq(MailboxId mailboxId) throws MailboxException {
    UserMailboxes.Folder f = users.folder((StoreMailboxId) mailboxId);
    return ModSeq.of(f.state().next(f.mailbox()));
  }

  @Override
  public ModSeq highestModSeq(Mailbox mailbox) throws MailboxException {
    return highestModSeq(mailbox.getMailboxId());
  }

  @Override
  public ModSeq highestModSeq(MailboxId mailboxId) throws MailboxException {
    return ModSeq.of(users.folder((StoreMailboxId) mailboxId).state().highest());
  }
}
