package dovetail.proxy.mailbox;

import dovetail.store.StoreException;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxExistsException;
import org.apache.james.mailbox.exception.MailboxNameException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;

/**
 * The one place where store errors become James's mailbox exceptions (and so IMAP replies). The store's
 * messages name files on disk, so they are logged by the caller and never sent to clients: James answers with
 * its own text for each exception type.
 */
final class StoreErrors {
  private StoreErrors() {}

  static MailboxException toJames(StoreException e, String folder) {
    return switch (e.error()) {
      case NOT_FOUND -> new MailboxNotFoundException(folder);
      case ALREADY_EXISTS -> new MailboxExistsException(folder);
      case INVALID_NAME -> new MailboxNameException("invalid name: " + folder);
      case UID_CONFLICT, KEYWORD_LIMIT, CORRUPT, LOCK_TIMEOUT, IO ->
          new MailboxException("store failure on " + folder + " (" + e.error() + ")", e);
    };
  }
}
