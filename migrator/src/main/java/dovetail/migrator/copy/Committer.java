package dovetail.migrator.copy;

import dovetail.store.Mailbox;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import java.io.ByteArrayInputStream;
import java.io.InputStream;

/**
 * The open store transaction of a folder migration: adds stream into it, and it commits every
 * {@code interval} messages. After an add failed it starts a fresh transaction, so that what was added
 * before stays committable.
 *
 * <p>Bodies that arrived whole ({@link #addWhole}) are written by a {@link StoreWriter} thread while the
 * caller reads the next ones; everything else waits for that thread first, so the store sees the same
 * adds and commits, in the same order, as if the caller made them itself.
 */
final class Committer implements AutoCloseable {
  /** Bytes of whole bodies that may wait for the writer thread. */
  static final long QUEUED_BYTES = 8L << 20;

  private final Mailbox mailbox;
  private final int interval;
  private final StoreWriter writer;
  private MailboxTransaction tx;
  private long committedMessages;

  Committer(Mailbox mailbox, int interval) {
    this.mailbox = mailbox;
    this.interval = interval;
    this.writer = new StoreWriter(mailbox.name(), QUEUED_BYTES);
  }

  /** Adds a streamed body, on the caller's thread (the stream is only valid during the call). */
  void add(MessageMeta meta, InputStream content) {
    writer.await();
    addNow(meta, content);
  }

  /**
   * Adds a body that is whole in {@code data} (which the caller no longer touches) on the writer thread;
   * there, {@code release} runs once the bytes are written (the array may then be reused) and
   * {@code stored} once it is added. A failure is thrown by a later call of this committer.
   */
  void addWhole(MessageMeta meta, byte[] data, int offset, int length, Runnable release, Runnable stored) {
    writer.submit(length, () -> {
      try {
        addNow(meta, new ByteArrayInputStream(data, offset, length));
      } finally {
        release.run();
      }
      stored.run();
    });
  }

  private void addNow(MessageMeta meta, InputStream content) {
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
      commitNow();
    }
  }

  /** Makes everything added so far durable. */
  void commit() {
    writer.await();
    commitNow();
  }

  private void commitNow() {
    if (tx != null && tx.pending() > 0) {
      committedMessages += tx.commit().size();
    }
  }

  /** Commits what is pending and raises NEXTUID in the same commit. */
  void finish(long nextUid) {
    writer.await();
    if (tx == null) {
      tx = mailbox.begin();
    }
    tx.raiseNextUid(nextUid);
    committedMessages += tx.commit().size();
  }

  long committedMessages() {
    writer.await();
    return committedMessages;
  }

  /** Discards what was not committed. */
  @Override
  public void close() {
    writer.close();
    if (tx != null) {
      tx.close();
      tx = null;
    }
  }
}
