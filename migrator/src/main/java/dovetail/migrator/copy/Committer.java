package dovetail.migrator.copy;

import dovetail.store.Mailbox;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import java.io.InputStream;

/**
 * The open store transaction of a folder migration: adds stream into it, and it commits every
 * {@code interval} messages. After an add failed it starts a fresh transaction, so that what was added
 * before stays committable.
 */
final class Committer implements AutoCloseable {
  private final Mailbox mailbox;
  private final int interval;
  private MailboxTransaction tx;
  private long committedMessages;

  Committer(Mailbox mailbox, int interval) {
    this.mailbox = mailbox;
    this.interval = interval;
  }

  void add(MessageMeta meta, InputStream content) {
    if (tx == null) {
      tx = mailbox.begin();
    }
    try {
      tx.add(meta, content);
    } catch (RuntimeException e) {
      // The transaction remembers the failed UID as used: keep what was added, start afresh.
      MailboxTransaction broken = tx;
      tx = null;
      try {
        if (broken.pending() > 0) {
          committedMessages += broken.commit().size();
        }
      } catch (RuntimeException commitFailure) {
        e.addSuppressed(commitFailure);
      } finally {
        broken.close();
      }
      throw e;
    }
    if (interval > 0 && tx.pending() >= interval) {
      commit();
    }
  }

  /** Makes everything added so far durable. */
  void commit() {
    if (tx != null && tx.pending() > 0) {
      committedMessages += tx.commit().size();
    }
  }

  /** Commits what is pending and raises NEXTUID in the same commit. */
  void finish(long nextUid) {
    if (tx == null) {
      tx = mailbox.begin();
    }
    tx.raiseNextUid(nextUid);
    committedMessages += tx.commit().size();
  }

  long committedMessages() {
    return committedMessages;
  }

  /** Discards what was not committed. */
  @Override
  public void close() {
    if (tx != null) {
      tx.close();
      tx = null;
    }
  }
}
