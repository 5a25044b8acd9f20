package dovetail.proxy.mailbox;

import dovetail.store.StoreError;
import dovetail.store.StoreException;
import org.apache.james.mailbox.MailboxSession;
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

  /**
   * For a write that failed: the store's own failures (I/O, including a full disk, and a lock it could not take),
   * a keyword beyond Maildir's 26 and a message another writer expunged meanwhile refuse the command ({@link StoreRefusal}, noted in the session); the others are the client's (no such folder)
   * and read as {@link #toJames}.
   */
  static MailboxException forWrite(StoreException e, String folder, MailboxSession session) {
    StoreError error = e.error();
    if (error == StoreError.IO || error == StoreError.LOCK_TIMEOUT || error == StoreError.KEYWORD_LIMIT
        || error == StoreError.EXPUNGED) {
      return StoreRefusal.noted(session, e, folder);
    }
    return forRead(e, folder, session);
  }

  /**
   * For a read that failed: a folder the server may not look into, and any failure of the store's files (a damaged
   * dovecot-uidlist, an I/O error, a lock it could not take), refuse the command ({@link StoreRefusal}: the client is
   * told that this folder cannot be read, or Dovecot's {@code [SERVERBUG]}, where James said "NO SELECT completed."
   * and the log held only its own words); the rest (no such folder) read as {@link #toJames}.
   */
  static MailboxException forRead(StoreException e, String folder, MailboxSession session) {
    return switch (e.error()) {
      case UNREADABLE, CORRUPT, IO, LOCK_TIMEOUT -> StoreRefusal.noted(session, e, folder);
      default -> toJames(e, folder);
    };
  }

  static MailboxException toJames(StoreException e, String folder) {
    return switch (e.error()) {
      case NOT_FOUND -> new MailboxNotFoundException(folder);
      case ALREADY_EXISTS -> new MailboxExistsException(folder);
      case INVALID_NAME -> new MailboxNameException("invalid name: " + folder);
      case EXPUNGED, UID_CONFLICT, KEYWORD_LIMIT, CORRUPT, LOCK_TIMEOUT, IO, UNREADABLE ->
          new MailboxException("store failure on " + folder + " (" + e.error() + ")", e);
    };
  }
}
