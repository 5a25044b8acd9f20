package dovetail.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One user's Dovecot-compatible Maildir++ store. Folder names are what clients see: Unicode, levels
 * separated by {@link #SEPARATOR}, the inbox is "INBOX". On disk they are modified UTF-7 Maildir++
 * directories (see dovecot-maildir-format.md).
 */
public interface MailStore {
  char SEPARATOR = '/';
  String INBOX = "INBOX";

  /** The Maildir root (the inbox's directory). */
  Path root();

  /**
   * Every folder that exists (has a cur/ directory, or a directory the server may not look into), INBOX first, then in
   * name order.
   */
  List<String> listFolders();

  boolean exists(String folder);

  /** @throws StoreException NOT_FOUND, UNREADABLE (the server may not look into its directory) */
  Mailbox open(String folder);

  /**
   * {@link #open}, or empty for a folder the server may not read (UNREADABLE), whose reason goes to {@code unreadable}:
   * for the work that goes on with a user's other folders.
   */
  default Optional<Mailbox> openIfReadable(String folder, Consumer<String> unreadable) {
    try {
      return Optional.of(open(folder));
    } catch (StoreException e) {
      if (e.error() != StoreError.UNREADABLE) {
        throw e;
      }
      unreadable.accept(e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The folder read without writing anything ({@link MailboxPeek}); empty when it does not exist.
   *
   * @throws StoreException UNREADABLE (the server may not look into its directory)
   */
  Optional<MailboxPeek> peek(String folder);

  /** Creates a folder with a fresh UIDVALIDITY from dovecot-uidvalidity, and NEXTUID 1. */
  Mailbox create(String folder);

  /** Creates a folder with an explicit UIDVALIDITY and NEXTUID, as migration does. */
  Mailbox create(String folder, long uidValidity, long nextUid);

  /** Renames a folder and its children. INBOX cannot be renamed here. */
  void rename(String from, String to);

  /** Deletes a folder and its messages; its children stay. */
  void delete(String folder);

  /** Subscribed folder names, in file order. */
  Set<String> subscriptions();

  void setSubscribed(String folder, boolean subscribed);

  /** How Dovetail's own files in this Maildir are created (owned like the store). */
  StoreFiles files();
}
