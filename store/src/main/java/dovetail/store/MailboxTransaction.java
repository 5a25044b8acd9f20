package dovetail.store;

import java.io.InputStream;
import java.util.List;

/**
 * A batch of new messages. {@link #add} streams each message into {@code tmp/} at once (it never holds
 * the whole message in memory); {@link #commit} takes the uidlist lock, assigns or checks the UIDs, writes
 * the uidlist and moves the files into {@code cur/}. Nothing becomes visible before commit. Closing an
 * uncommitted transaction removes its temporary files.
 */
public interface MailboxTransaction extends AutoCloseable {

  /** Streams {@code content} to a temporary file. An explicit UID must be above the previous one in this batch. */
  void add(MessageMeta meta, InputStream content);

  /**
   * Adds message {@code uid} of another folder {@code source} by moving it (IMAP MOVE): at commit its file leaves the
   * source and becomes this folder's, with its bytes and INTERNALDATE and {@code flags}, so that a crash at any point
   * leaves it in exactly one of the two folders. The source then holds a record without a file, read as expunged; the
   * caller expunges {@code uid} from {@code source} after the commit, as it would after a copy, to record it there.
   * Within one folder the file takes its new name and UID the same way. Where a rename cannot be made (another file
   * system) the message is copied instead, and that expunge removes the original. If the message is gone from the source by the commit (another writer expunged it),
   * the commit changes nothing and throws EXPUNGED.
   *
   * @throws StoreException EXPUNGED when {@code source} has no message {@code uid}
   */
  void addMoved(Mailbox source, long uid, Flags flags);

  /** Raise the folder's NEXTUID (header N) as part of this commit; never lowers it. */
  void raiseNextUid(long nextUid);

  /** The number of messages added and not yet committed. */
  int pending();

  /**
   * Makes the batch durable and visible, in the order it was added.
   *
   * @return the stored messages, with the UIDs they got
   * @throws StoreException UID_CONFLICT when an explicit UID is below the folder's next UID
   */
  List<StoredMessage> commit();

  /**
   * After {@link #commit}: false when the store knows that no other writer (another process, or another object for
   * the same folder) changed the folder between this transaction's previous commit and the last one; true when one
   * may have, or when that cannot be known (a transaction's first commit). A migration checks for foreign messages
   * only then, without reading the folder after each commit.
   */
  boolean othersMayHaveWritten();

  /** Discards what was not committed. */
  @Override
  void close();
}
