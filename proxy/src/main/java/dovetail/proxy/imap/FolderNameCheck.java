package dovetail.proxy.imap;

import dovetail.proxy.mailbox.FolderNames;
import dovetail.proxy.mailbox.InvalidFolderNameException;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.main.PathConverter;
import org.apache.james.imap.message.request.CreateRequest;
import org.apache.james.imap.message.request.DeleteRequest;
import org.apache.james.imap.message.request.RenameRequest;
import org.apache.james.imap.message.request.SubscribeRequest;
import org.apache.james.imap.message.request.UnsubscribeRequest;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.model.MailboxConstants;
import org.apache.james.mailbox.model.MailboxPath;
import reactor.core.publisher.Mono;

/**
 * The names a command would give a folder (CREATE, RENAME's new name, which must not lie under the old one) or write
 * into the subscriptions file (SUBSCRIBE, UNSUBSCRIBE), and DELETE's (not INBOX), checked against the rules of {@link FolderNames} before James runs the command. A name
 * no folder can have here fails with an {@link InvalidFolderNameException}, which {@link DovetailProcessor} answers
 * {@code NO [CANNOT]} with the reason, as Dovecot does.
 *
 * <p>Before, not after: James 3.8.1's processors answer every mailbox exception they do not know (CREATE and RENAME
 * know only "exists", "not found" and "too long") with "processing failed" and log it as an unexpected ERROR with its
 * stack trace, so the reason never reaches the client and the log cries wolf. Names are resolved as James's
 * processors resolve them (PathConverter; the mailbox manager drops a trailing delimiter); another namespace's name
 * is left to James, which refuses it.
 */
final class FolderNameCheck {
  private FolderNameCheck() {}

  /** Empty when the command may run; an InvalidFolderNameException error otherwise. */
  static Mono<Void> of(ImapMessage message, ImapSession session) {
    MailboxSession mailboxSession = session.getMailboxSession();
    if (mailboxSession == null) {
      return Mono.empty();
    }
    try {
      if (message instanceof CreateRequest create) {
        checkNew(create.getMailboxName(), session, mailboxSession);
      } else if (message instanceof RenameRequest rename) {
        checkNew(rename.getNewName(), session, mailboxSession);
        checkRename(rename.getExistingName(), rename.getNewName(), session, mailboxSession);
      } else if (message instanceof DeleteRequest delete) {
        MailboxPath path = ownPath(delete.getMailboxName(), session, mailboxSession);
        if (path != null) {
          FolderNames.checkDelete(path);
        }
      } else if (message instanceof SubscribeRequest subscribe) {
        check(subscribe.getMailboxName(), session, mailboxSession);
      } else if (message instanceof UnsubscribeRequest unsubscribe) {
        check(unsubscribe.getMailboxName(), session, mailboxSession);
      }
      return Mono.empty();
    } catch (InvalidFolderNameException e) {
      return Mono.error(e);
    }
  }

  private static void checkNew(String name, ImapSession session, MailboxSession mailboxSession)
      throws InvalidFolderNameException {
    MailboxPath path = ownPath(name, session, mailboxSession);
    if (path != null) {
      char delimiter = mailboxSession.getPathDelimiter();
      FolderNames.checkNew(path.sanitize(delimiter), delimiter);
    }
  }

  private static void checkRename(String from, String to, ImapSession session, MailboxSession mailboxSession)
      throws InvalidFolderNameException {
    MailboxPath fromPath = ownPath(from, session, mailboxSession);
    MailboxPath toPath = ownPath(to, session, mailboxSession);
    if (fromPath != null && toPath != null) {
      char delimiter = mailboxSession.getPathDelimiter();
      FolderNames.checkRename(fromPath.sanitize(delimiter), toPath.sanitize(delimiter), delimiter);
    }
  }

  private static void check(String name, ImapSession session, MailboxSession mailboxSession)
      throws InvalidFolderNameException {
    MailboxPath path = ownPath(name, session, mailboxSession);
    if (path != null) {
      FolderNames.check(path.getName(), mailboxSession.getPathDelimiter());
    }
  }

  /** The user's own path that James will make of the name; null when it names no folder of theirs. */
  private static MailboxPath ownPath(String name, ImapSession session, MailboxSession mailboxSession) {
    if (name == null) {
      return null;
    }
    MailboxPath path;
    try {
      path = PathConverter.forSession(session).buildFullPath(name);
    } catch (RuntimeException e) {
      return null; // another namespace (DeniedAccessOnSharedMailboxException): James answers it
    }
    boolean own = MailboxConstants.USER_NAMESPACE.equals(path.getNamespace())
        && mailboxSession.getUser().equals(path.getUser());
    return own ? path : null;
  }
}
