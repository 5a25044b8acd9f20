package dovetail.proxy.mailbox;

import dovetail.store.StoreError;
import dovetail.store.StoreException;
import java.util.Optional;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.exception.MailboxException;

/**
 * A write that the store could not make (the disk is full, a file cannot be written), and that changed nothing. James
 * answers any MailboxException with its own generic NO, so the refusal is also noted in the session, where the IMAP
 * layer finds it and answers in words that say which ({@link #of(MailboxSession)}).
 */
public final class StoreRefusal extends MailboxException {
  private static final String KEY = StoreRefusal.class.getName();

  /** What the client is told. */
  public enum Reason {
    /** ENOSPC or EDQUOT ({@link DiskFull}). */
    DISK_FULL,
    /** A new keyword in a folder whose 26 Maildir keyword letters are taken: the client's to change. */
    KEYWORD_LIMIT,
    /** Any other failure of the store's files: not the client's doing, nothing it can change. */
    STORE_FAILURE
  }

  private final Reason reason;

  private StoreRefusal(StoreException cause, String folder) {
    super(folder + ": " + cause.getMessage(), cause);
    this.reason = cause.error() == StoreError.KEYWORD_LIMIT ? Reason.KEYWORD_LIMIT
        : DiskFull.is(cause) ? Reason.DISK_FULL : Reason.STORE_FAILURE;
  }

  /** A refusal of the current command of {@code session}, noted there. */
  static StoreRefusal noted(MailboxSession session, StoreException cause, String folder) {
    StoreRefusal refusal = new StoreRefusal(cause, folder);
    session.getAttributes().put(KEY, refusal);
    return refusal;
  }

  /** The refusal noted in {@code session} since {@link #forget}, if any. */
  public static Optional<StoreRefusal> of(MailboxSession session) {
    return Optional.ofNullable((StoreRefusal) session.getAttributes().get(KEY));
  }

  /** Called as a command starts and ends: a refusal belongs to one command. */
  public static void forget(MailboxSession session) {
    session.getAttributes().remove(KEY);
  }

  public Reason reason() {
    return reason;
  }
}
