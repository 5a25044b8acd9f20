package dovetail.proxy.mailbox;

import dovetail.store.StoreException;
import java.util.Collection;
import java.util.Set;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.MailboxId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of the new messages that a session with the folder selected learns of are \Recent in it ({@link
 * RecentMessages}): in a read-write session those no session claimed before, which are then recent in it only; in a
 * read-only (EXAMINE) one those no session claimed, without claiming them (RFC 3501 §2.3.2). A claim that cannot be
 * read or written makes the messages not recent, never the command fail.
 */
public final class RecentClaims {
  private static final Logger LOG = LoggerFactory.getLogger(RecentClaims.class);

  private final UserMailboxes.Registry users;

  RecentClaims(UserMailboxes.Registry users) {
    this.users = users;
  }

  /** The UIDs of {@code uids}, new in the folder, that are recent in the session. */
  public Set<Long> claim(MailboxId folder, Collection<Long> uids, boolean readOnly) {
    if (uids.isEmpty()) {
      return Set.of();
    }
    try {
      UserMailboxes.Folder f = users.folder((StoreMailboxId) folder);
      return readOnly ? RecentMessages.unclaimed(f.mailbox(), uids) : RecentMessages.claim(f.mailbox(), uids);
    } catch (MailboxException | StoreException e) {
      LOG.warn("cannot tell whether new messages in folder {} are recent: {}", folder.serialize(), e.toString());
      return Set.of();
    }
  }
}
