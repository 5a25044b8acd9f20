package dovetail.proxy.mailbox;

import dovetail.store.StoreError;
import dovetail.store.StoreException;
import java.util.Optional;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.exception.MailboxException;

/**
 * A write that the store could not make (the disk is full, a file cannot be written), and that changed nothing; or a
 * folder the store cannot read (its permissions, a damaged dovecot-uidlist, an I/O error). James answers any MailboxException with its own generic NO, so the refusal is also
 * noted in the session, where the IMAP layer finds it and answers in words that say which
 * ({@link #of(MailboxSession)}).
 */
public final class StoreRefusal extends MailboxException {
  private static final String KEY = StoreRefusal.class.getName();

  /** What the client is told. */
  public enum Reason {
    /** ENOSPC or EDQUOT ({@link DiskFull}). */
    DISK_FULL,
    /** A new keyword in a folder whose 26 Maildir keyword letters are taken: the client's to change. */
    KEYWORD_LIMIT,
    /** A new message in a folder whose migration is not complete (a failed one): it could take a legacy UID. */
    NOT_MIGRATED,
    /** Any other failure of the store's files: not the client's doing, nothing it can change. */
    STORE_FAILURE,
    /** What the store does not do (RFC 5530 CANNOT), in the exception's words: the client's to change. */
    CANNOT,
    /** A folder whose directory the server may not look into (its permissions): there, and nothing in it readable. */
    UNREADABLE,
    /** A message the command names was expunged by another writer meanwhile (a MOVE of it): nothing was done. */
    EXPUNGE_ISSUED;

    /** The client asked for what cannot be (logged at INFO), rather than the server failing (WARN). */
    public boolean clientsToChange() {
      return this == KEYWORD_LIMIT || this == CANNOT || this == EXPUNGE_ISSUED;
    }
  }

  private final Reason reason;
  private final String folder;

  private StoreRefusal(String message, Reason reason, String folder) {
    super(message);
    this.reason = reason;
    this.folder = folder;
  }

  private StoreRefusal(StoreException cause, String folder) {
    super(folder + ": " + cause.getMessage(), cause);
    this.reason = cause.error() == StoreError.KEYWORD_LIMIT ? Reason.KEYWORD_LIMIT
        : cause.error() == StoreError.UNREADABLE ? Reason.UNREADABLE
        : cause.error() == StoreError.EXPUNGED ? Reason.EXPUNGE_ISSUED
        : DiskFull.is(cause) ? Reason.DISK_FULL : Reason.STORE_FAILURE;
    this.folder = folder;
  }

  /** A refusal of the current command of {@code session}, noted there. */
  static StoreRefusal noted(MailboxSession session, StoreException cause, String folder) {
    return noted(session, new StoreRefusal(cause, folder));
  }

  /** A new message refused because {@code folder}'s migration is not complete ({@code state}), noted in the session. */
  static StoreRefusal notMigrated(MailboxSession session, String folder, String state) {
    return noted(session, new StoreRefusal("folder " + folder + " is not migrated yet (" + state
        + "): it takes no new message", Reason.NOT_MIGRATED, folder));
  }

  /** A request the store does not do ({@link Reason#CANNOT}), answered with {@code text}, noted in the session. */
  static StoreRefusal cannot(MailboxSession session, String text) {
    return noted(session, new StoreRefusal(text, Reason.CANNOT, null));
  }

  /**
   * The first refusal of a command is what it is answered and logged with: a failure cancels the command's other
   * store calls under way, whose own failures (an interrupted read) say nothing about the cause.
   */
  private static StoreRefusal noted(MailboxSession session, StoreRefusal refusal) {
    synchronized (session) {
      session.getAttributes().putIfAbsent(KEY, refusal);
    }
    return refusal;
  }

  /** The refusal noted in {@code session} since {@link #forget}, if any. */
  public static Optional<StoreRefusal> of(MailboxSession session) {
    synchronized (session) {
      return Optional.ofNullable((StoreRefusal) session.getAttributes().get(KEY));
    }
  }

  /** Called as a command starts and ends: a refusal belongs to one command. */
  public static void forget(MailboxSession session) {
    synchronized (session) {
      session.getAttributes().remove(KEY);
    }
  }

  public Reason reason() {
    return reason;
  }

  /** The folder the write was for, as the client named it. */
  public String folder() {
    return folder;
  }
}
