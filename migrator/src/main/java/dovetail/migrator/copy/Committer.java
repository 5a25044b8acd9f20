package dovetail.migrator.copy;

import dovetail.store.Mailbox;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import java.io.InputStream;

/**
 * The open store transaction of a folder migration: adds go into it, and it commits every
 * {@code interval} messages. After an add failed it starts a fresh transaction, so that what was added
 * before stays committable.
 *
 * <p>Adds run on the caller's thread, the one that reads the legacy connection. A writer thread of its own
 * gained nothing: the legacy server keeps filling the socket while a message is written, and handing
 * each message over cost more than it overlapped (100,000 messages: 0.4 s more system CPU, 0.17 s more wall).
 */
final class Committer implements AutoCloseable {
  private final Mailbox mailbox;
  private final int interval;
  private final Committed listener;
  private MailboxTransaction tx;
  private long first;
  private long last;

  /**
   * Told the UIDs of every commit, right after it, and whether another writer may have written the folder since the
   * previous one ({@link MailboxTransaction#othersMayHaveWritten}).
   */
  interface Committed {
    void committed(long firstUid, long lastUid, boolean othersMayHaveWritten);

    Committed NONE = (a, b, c) -> {};
  }

  Committer(Mailbox mailbox, int interval) {
    this(mailbox, interval, Committed.NONE);
  }

  Committer(Mailbox mailbox, int interval, Committed listener) {
    this.mailbox = mailbox;
    this.interval = interval;
    this.listener = listener;
  }

  /** Adds a message (the stream is only read during the call); commits when the interval is full. */
  void add(MessageMeta meta, InputStream content) {
    if (tx == null) {
      tx = mailbox.begin();
    }
    try {
      tx.add(meta, content);
      if (tx.pending() == 1) {
        first = meta.uid();
      }
      last = meta.uid();
    } catch (RuntimeException e) {
      // The transaction remembers the failed UID as used: keep what was added, start afresh.
      MailboxTransaction broken = tx;
      tx = null;
      try {
        if (broken.pending() > 0) {
          broken.commit();
          listener.committed(first, last, broken.othersMayHaveWritten());
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

  /** Messages added and not committed yet. */
  int pending() {
    return tx == null ? 0 : tx.pending();
  }

  /** Makes everything added so far durable. */
  void commit() {
    if (tx != null && tx.pending() > 0) {
      tx.commit();
      listener.committed(first, last, tx.othersMayHaveWritten());
    }
  }

  /**
   * Commits what is pending and raises NEXTUID in the same commit.
   *
   * @return whether another writer may have written the folder since the previous commit
   */
  boolean finish(long nextUid) {
    if (tx == null) {
      tx = mailbox.begin();
    }
    tx.raiseNextUid(nextUid);
    boolean messages = tx.pending() > 0;
    tx.commit();
    if (messages) {
      listener.committed(first, last, tx.othersMayHaveWritten());
    }
    return tx.othersMayHaveWritten();
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
