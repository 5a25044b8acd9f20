package dovetail.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which messages of a folder users changed through Dovetail: the UIDs whose flags a client changed and the UIDs a
 * client expunged. {@code verify} reads it to tell a user's work since the migration from a copy that went wrong; the
 * server writes it. Kept in {@code dovetail-changes} beside dovetail-state (Dovecot ignores both).
 *
 * <p>File: a header line {@code dovetail-changes 1 <uidvalidity>}, then lines {@code flags <uid-set>} and
 * {@code expunged <uid-set>}, appended as clients change messages, only with UIDs not on record yet. A record that
 * misses a change (a crash in the middle of an append, a write that failed) makes verify report that message as a
 * difference: more, never less. A file for another UIDVALIDITY counts as empty and is replaced by the first write.
 * When it holds more than {@value #MAX_LINES} lines it is rewritten as two (temp file plus rename), with what
 * every writer in this JVM appended (IMAP and POP3 sessions of one user keep a record each): writes to one file take
 * one in-process mutex, and a rewrite reads the file first.
 */
public final class UserChanges {
  private static final Logger LOG = LoggerFactory.getLogger(UserChanges.class);
  static final String SUFFIX = "changes";
  private static final String MAGIC = "dovetail-changes 1 ";
  private static final String FLAGS = "flags ";
  private static final String EXPUNGED = "expunged ";
  static final int MAX_LINES = 1000;
  private static final PerPath<Object> WRITERS = new PerPath<>();

  private final UidSet flagsChanged = new UidSet();
  private final UidSet expunged = new UidSet();
  private final long uidValidity;
  /** Lines in the file after its header; -1 when the file must be written whole before lines are appended. */
  private int lines = -1;

  private UserChanges(long uidValidity) {
    this.uidValidity = uidValidity;
  }

  /** The folder's record for its current UIDVALIDITY; a missing, unreadable or foreign file reads as empty. */
  public static UserChanges load(Mailbox folder) {
    UserChanges changes = new UserChanges(folder.status().uidValidity());
    changes.read(folder.dovetailFile(SUFFIX));
    return changes;
  }

  /** Adds what the file holds to this record; {@link #lines} is the file's count, or -1 without a current file. */
  private void read(Path file) {
    lines = -1;
    RecordFile.read(file, MAGIC + uidValidity).ifPresent(content -> {
      lines = content.size();
      for (int i = 0; i < content.size(); i++) {
        String line = content.get(i);
        try {
          if (line.startsWith(FLAGS)) {
            flagsChanged.addAll(UidSet.parse(line.substring(FLAGS.length())));
          } else if (line.startsWith(EXPUNGED)) {
            expunged.addAll(UidSet.parse(line.substring(EXPUNGED.length())));
          } else {
            throw new IllegalArgumentException(line);
          }
        } catch (IllegalArgumentException e) {
          LOG.warn("{}: ignoring a damaged line {}", file, i + 2);
        }
      }
    });
  }

  /** UIDs whose flags or keywords a client changed. */
  public UidSet flagsChanged() {
    return flagsChanged;
  }

  /** UIDs a client expunged. */
  public UidSet expunged() {
    return expunged;
  }

  /** Records that clients changed the flags of {@code uids}; a failed write is logged (see the class comment). */
  public void recordFlags(Mailbox folder, UidSet uids) {
    record(folder, FLAGS, flagsChanged, uids);
  }

  /** Records that clients expunged {@code uids}; a failed write is logged (see the class comment). */
  public void recordExpunged(Mailbox folder, UidSet uids) {
    record(folder, EXPUNGED, expunged, uids);
  }

  private void record(Mailbox folder, String kind, UidSet known, UidSet uids) {
    UidSet fresh = uids.minus(known);
    if (fresh.isEmpty()) {
      return;
    }
    known.addAll(fresh);
    Path file = folder.dovetailFile(SUFFIX);
    synchronized (WRITERS.of(file, Object::new)) {
      try {
        if (lines < 0 || lines >= MAX_LINES || !Files.exists(file)) {
          read(file); // what other writers appended is kept
          rewrite(folder, file);
        } else {
          RecordFile.append(file, kind + fresh, false); // a lost line only makes verify report more
          lines++;
        }
      } catch (IOException | StoreException e) {
        lines = -1;
        LOG.warn("cannot write {}: {}; verify will count the change as a difference", file, e.toString());
      }
    }
  }

  private void rewrite(Mailbox folder, Path file) {
    StringBuilder text = new StringBuilder(MAGIC).append(uidValidity).append('\n');
    int written = 0;
    if (!flagsChanged.isEmpty()) {
      text.append(FLAGS).append(flagsChanged).append('\n');
      written++;
    }
    if (!expunged.isEmpty()) {
      text.append(EXPUNGED).append(expunged).append('\n');
      written++;
    }
    // Through the store: temp file plus rename, owned like the Maildir (Dovetail may run as root).
    folder.files().replace(file, text.toString().getBytes(StandardCharsets.US_ASCII));
    lines = written;
  }
}
