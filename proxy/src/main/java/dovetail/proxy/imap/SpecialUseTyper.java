package dovetail.proxy.imap;

import dovetail.proxy.mailbox.LegacySpecialUse;
import dovetail.proxy.mailbox.MailboxBackend;
import org.apache.james.imap.api.process.DefaultMailboxTyper;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.MailboxType;
import org.apache.james.imap.api.process.MailboxTyper;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.model.MailboxPath;

/**
 * The special-use attribute LIST shows for a folder (RFC 6154: {@code RETURN (SPECIAL-USE)} and the
 * {@code (SPECIAL-USE)} selection). James 3.8.1 guesses it from the name alone (DefaultMailboxTyper: Sent, Drafts,
 * Trash, Spam, Archive), so a legacy "Gesendete Objekte" flagged \Sent showed none and an unflagged "Archive" showed
 * \Archive, and clients picked the wrong folders. A folder set up from the legacy server shows exactly the attribute
 * the legacy server listed, or none; one created here (or a passwd-file user's) keeps James's name-based default.
 * INBOX stays James's INBOX type, which shows no attribute.
 *
 * <p>LIST calls this on Reactor's non-blocking threads; the legacy attribute is read from the folder's state when the
 * mailbox search finds the folder (StoreMailboxMapper), and only looked up here.
 */
final class SpecialUseTyper implements MailboxTyper {
  private final MailboxTyper byName = new DefaultMailboxTyper();
  private final MailboxBackend backend;

  SpecialUseTyper(MailboxBackend backend) {
    this.backend = backend;
  }

  @Override
  public MailboxType getMailboxType(ImapSession session, MailboxPath path) {
    MailboxType named = byName.getMailboxType(session, path);
    MailboxSession mailboxSession = session.getMailboxSession();
    if (named == MailboxType.INBOX || mailboxSession == null) {
      return named;
    }
    return backend.legacySpecialUse(mailboxSession, path)
        .map(SpecialUseTyper::typeOf)
        .orElse(named);
  }

  /** James's type for a legacy attribute; OTHER (no attribute) for none, or for one James cannot show (\Important). */
  static MailboxType typeOf(LegacySpecialUse legacy) {
    String attribute = legacy.attribute().orElse(null);
    if (attribute != null) {
      for (MailboxType type : MailboxType.values()) {
        if (attribute.equalsIgnoreCase(type.getRfc6154attributeName())) {
          return type;
        }
      }
    }
    return MailboxType.OTHER;
  }
}
