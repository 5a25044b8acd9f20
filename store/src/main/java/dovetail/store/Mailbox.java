package dovetail.store;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * One folder of a user's store. Every read first syncs with the disk, so changes made by Dovecot or by
 * another Dovetail process are seen. Instances are thread-safe.
 */
public interface Mailbox {

  /** The folder name as clients see it, with '/' as separator; the inbox is "INBOX". */
  String name();

  MailboxStatus status();

  /** The folder's UIDVALIDITY, as {@link #status()} has it, without listing or counting its messages. */
  default long uidValidity() {
    return status().uidValidity();
  }

  /** All messages in ascending UID order; the list is unmodifiable. */
  List<StoredMessage> messages();

  Optional<StoredMessage> message(long uid);

  /** The message's bytes, streamed from disk. Survives a concurrent flag change (the file is renamed). */
  InputStream openContent(long uid);

  MailboxTransaction begin();

  /** One message in its own transaction. */
  default StoredMessage append(MessageMeta meta, InputStream content) {
    try (MailboxTransaction tx = begin()) {
      tx.add(meta, content);
      return tx.commit().get(0);
    }
  }

  /**
   * Changes the flags and keywords of a message: {@code change} gets the flags the message has now, read under the
   * folder's lock from its file's current name, and returns the new ones. A change that another session or Dovecot
   * made since the caller last looked is therefore kept, where writing flags computed from an older look would undo
   * it. {@code change} may be called more than once (the file was renamed meanwhile) and must not have side effects.
   * One message, for a caller that holds its UID: a message that is not there is an error (NOT_FOUND) here.
   */
  default FlagChange changeFlags(long uid, UnaryOperator<Flags> change) {
    List<FlagChange> made = new ArrayList<>(1);
    changeFlags(List.of(uid), change, made::add);
    if (made.isEmpty()) {
      throw new StoreException(StoreError.NOT_FOUND, "no message with UID " + uid + " in " + name());
    }
    return made.get(0);
  }

  /**
   * {@link #changeFlags(long, UnaryOperator)} for many messages under one hold of the folder's lock (a STORE of a
   * range): {@code made} gets each message's change as it is made, so that a failure part-way still tells the caller
   * what was done. UIDs no longer in the folder (another writer expunged them) are skipped.
   */
  void changeFlags(Collection<Long> uids, UnaryOperator<Flags> change, Consumer<FlagChange> made);

  /** A flag change: the flags {@link #changeFlags}'s change was applied to, and the message after it. */
  record FlagChange(Flags before, StoredMessage after) {
    public boolean changed() {
      return !before.equals(after.flags());
    }
  }

  /** Replaces the flags and keywords of a message, whatever they are now; returns the updated message. */
  default StoredMessage setFlags(long uid, Flags flags) {
    return changeFlags(uid, current -> flags).after();
  }

  /** Removes messages; UIDs that are not present are ignored. */
  void expunge(Collection<Long> uids);

  /**
   * Waits until no other migration of this folder runs, in this process or another (a {@code backup} beside
   * {@code serve}), and holds the folder for one until the hold is closed. {@code waiting} runs once if that means
   * waiting. A killed holder's hold is gone with it.
   */
  Hold holdForMigration(Runnable waiting);

  /** What {@link #holdForMigration} holds; closing it lets the next one go on. */
  interface Hold extends AutoCloseable {
    @Override
    void close();
  }

  /** Raises NEXTUID (the uidlist header N); never lowers it. */
  void raiseNextUid(long nextUid);

  /**
   * Gives a folder that holds no message another UIDVALIDITY, with NEXTUID 1 (UIDs start again under a new value;
   * review 21: one kept from the old value took the new value's UID 1) and its GUID kept: with no message, no client
   * can mix up UIDs of the two values. For a folder whose legacy folder changed its UIDVALIDITY before anything of it
   * was copied.
   *
   * @throws StoreException UID_CONFLICT when the folder holds a message (then nothing changed)
   */
  void replaceUidValidityOfEmpty(long uidValidity);

  /**
   * Dovetail's own per-folder state (migration state, legacy UIDVALIDITY, ...), kept in a file beside
   * Dovecot's that Dovecot ignores. Keys and values are single-line strings.
   */
  Map<String, String> dovetailState();

  /**
   * Atomically replaces Dovetail's per-folder state. A writer that keeps others' keys must use
   * {@link #updateDovetailState} instead: a read followed by this write can lose a concurrent update.
   */
  void writeDovetailState(Map<String, String> state);

  /**
   * Replaces Dovetail's per-folder state with {@code change} applied to the current state (given unmodifiable),
   * as one step against every other update of it, in this process or another; returns the state written.
   */
  Map<String, String> updateDovetailState(UnaryOperator<Map<String, String>> change);

  /**
   * Where a Dovetail-owned side file of this folder lives: {@code dovetail-<suffix>} beside dovetail-state, which
   * Dovecot ignores as it ignores dovetail-state. For state that is not key=value (e.g. the expunge record); the
   * caller reads and writes it. {@code suffix} is lower-case letters and '-'.
   */
  java.nio.file.Path dovetailFile(String suffix);

  /** How the caller creates its side files ({@link #dovetailFile}): owned like the store. */
  StoreFiles files();
}
