package dovetail.proxy.mailbox;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dovetail.migrator.copy.LateMailState;
import dovetail.migrator.copy.MigrationState;
import dovetail.store.Mailbox;
import dovetail.store.PerPath;
import dovetail.store.StoreException;
import dovetail.store.StoredMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * \Recent (RFC 3501 §2.3.2) as Dovecot keeps it: a message is recent in the first read-write session that learns of it
 * (a SELECT, or the news of its arrival in a session that has the folder selected) and in no later one. Dovecot keeps
 * the first UID not yet claimed in its index (first_recent_uid); Dovetail keeps it in the folder's side file
 * {@code dovetail-recent}, so that it holds across sessions and restarts, apart from dovetail-state: it changes with
 * new mail, and losing it only makes messages recent again. STATUS and EXAMINE count the messages at or above it
 * without claiming them.
 *
 * <p>Before the first claim the value follows from the folder's history: a migrated folder's messages are not recent
 * (the legacy server's \Recent is not migrated), those that arrived after its migration are; every message of a
 * folder a client made here is ({@link #made}). A folder with no such history (one that Dovecot or a copy made)
 * starts with none recent, as Dovecot finds the messages in cur/ of a Maildir it has no index for: the first look
 * records that.
 */
public final class RecentMessages {
  private static final Logger LOG = LoggerFactory.getLogger(RecentMessages.class);
  static final String SUFFIX = "recent";
  /** Not known from the folder's history: its first look decides. */
  private static final long UNKNOWN = -1;
  /** Claims of one folder one at a time, in this process (the one that serves its sessions). */
  private static final PerPath<Object> CLAIMS = new PerPath<>();
  /**
   * How often a folder's record is written at most. Claims come with new mail (every APPEND or delivery seen by a
   * selected session, every SELECT after one): a file written per new message otherwise; between writes the value
   * lives in {@link #FLOORS}. A value not written yet when the server stops only makes its messages recent again.
   */
  private static final long WRITE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** The value as this process last had it, per record file: read once, not at every claim. */
  private static final Cache<Path, Floor> FLOORS =
      Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofHours(1)).build();

  /** A folder's first unclaimed UID in one numbering, and when it was last written (System.nanoTime()). */
  private record Floor(long uidValidity, long first, long writtenAt) {}

  private RecentMessages() {}

  /** Forgets the values this process holds, as a restart does: the records are read again. */
  static void forgetHeldValues() {
    FLOORS.invalidateAll();
  }

  /** A client made the folder here: every message it will hold is recent until claimed. */
  static void made(Mailbox folder) {
    Path file = folder.dovetailFile(SUFFIX);
    synchronized (lock(file)) {
      record(folder, file, 1, true);
    }
  }

  /**
   * Messages are about to be added (APPEND, COPY, MOVE, a delivery): a folder that nothing has looked at yet gets its
   * record now, so that they are recent, as in Dovecot, whose saving session opens the folder (and makes its index)
   * first. Otherwise the first look would come after them and take them as old mail (a new user's first deliveries).
   */
  public static void beforeAdding(Mailbox folder) {
    Path file = folder.dovetailFile(SUFFIX);
    synchronized (lock(file)) {
      if (firstRecentUid(folder, file) == UNKNOWN) {
        record(folder, file, folder.status().nextUid(), true);
      }
    }
  }

  /** The messages of {@code messages} (the folder now, in UID order) that are recent, claimed by none. */
  static List<StoredMessage> recent(Mailbox folder, List<StoredMessage> messages) {
    Path file = folder.dovetailFile(SUFFIX);
    synchronized (lock(file)) {
      return atOrAbove(firstKnown(folder, file, messages), messages);
    }
  }

  /** {@link #firstRecentUid}, recorded from the folder as it is when nothing says it yet (its first look). */
  private static long firstKnown(Mailbox folder, Path file, List<StoredMessage> messages) {
    long first = firstRecentUid(folder, file);
    if (first == UNKNOWN) {
      first = messages.isEmpty() ? 1 : messages.get(messages.size() - 1).uid() + 1;
      record(folder, file, first, true);
    }
    return first;
  }

  /** SELECT: the recent messages of {@code messages} (the folder now), recent in this session only from now on. */
  static List<StoredMessage> claimAll(Mailbox folder, List<StoredMessage> messages) {
    Path file = folder.dovetailFile(SUFFIX);
    synchronized (lock(file)) {
      List<StoredMessage> recent = atOrAbove(firstKnown(folder, file, messages), messages);
      if (!recent.isEmpty()) {
        record(folder, file, recent.get(recent.size() - 1).uid() + 1, false);
      }
      return recent;
    }
  }

  /** A read-write session with the folder selected learnt of new messages: those of {@code uids} recent in it. */
  static Set<Long> claim(Mailbox folder, Collection<Long> uids) {
    TreeSet<Long> sorted = new TreeSet<>(uids);
    Path file = folder.dovetailFile(SUFFIX);
    synchronized (lock(file)) {
      long first = Math.max(firstRecentUid(folder, file), 1); // unknown (no SELECT recorded it): these are new
      Set<Long> claimed = Set.copyOf(sorted.tailSet(first));
      if (!claimed.isEmpty()) {
        record(folder, file, sorted.last() + 1, false);
      }
      return claimed;
    }
  }

  /** A read-only session learnt of new messages: those of {@code uids} that no session has claimed. */
  static Set<Long> unclaimed(Mailbox folder, Collection<Long> uids) {
    long first = firstRecentUid(folder, folder.dovetailFile(SUFFIX));
    return Set.copyOf(new TreeSet<>(uids).tailSet(Math.max(first, 1)));
  }

  /**
   * The first UID that no session has claimed yet, or {@link #UNKNOWN}. The record names the UIDVALIDITY it counts
   * in: a uidlist made again numbers from 1, and a record of the old numbering would hide its new mail (review 15, F4).
   */
  private static long firstRecentUid(Mailbox folder, Path file) {
    Floor known = FLOORS.getIfPresent(file);
    if (known != null && known.uidValidity() == folder.uidValidity()) {
      return known.first();
    }
    long recorded = readRecord(folder, file);
    if (recorded == UNKNOWN) {
      return fromHistory(folder.dovetailState()); // not kept: a migration still changes it
    }
    FLOORS.put(file, new Floor(folder.uidValidity(), recorded, System.nanoTime()));
    return recorded;
  }

  /** The record's value in the folder's numbering, or {@link #UNKNOWN} (none, another numbering's, unreadable). */
  private static long readRecord(Mailbox folder, Path file) {
    try {
      String[] record = Files.readString(file, StandardCharsets.US_ASCII).strip().split(" ");
      if (record.length == 2 && Long.parseLong(record[0]) == folder.uidValidity()) {
        return Long.parseLong(record[1]);
      }
      return UNKNOWN; // another numbering's: as if there were none
    } catch (NoSuchFileException e) {
      return UNKNOWN;
    } catch (IOException | NumberFormatException e) {
      LOG.warn("cannot read {} ({}): recent messages are counted from the folder's history", file, e.toString());
      return UNKNOWN;
    }
  }

  static long fromHistory(Map<String, String> state) {
    for (String key : List.of(LateMailState.MIGRATED_UIDNEXT, MigrationState.LEGACY_UIDNEXT)) {
      long uid = MigrationState.number(state.get(key));
      if (uid > 0) {
        return uid;
      }
    }
    // A folder whose migration has not set its legacy UIDNEXT yet holds no message of its own.
    return state.containsKey(MigrationState.STATE) ? Long.MAX_VALUE : UNKNOWN;
  }

  /** The new value, kept here and written now when {@code now} or a second after the last write (under the lock). */
  private static void record(Mailbox folder, Path file, long first, boolean now) {
    Floor last = FLOORS.getIfPresent(file);
    long time = System.nanoTime();
    boolean write = now || last == null || time - last.writtenAt() >= WRITE_EVERY_NANOS;
    if (write) {
      write(folder, file, first);
    }
    FLOORS.put(file, new Floor(folder.uidValidity(), first, write || last == null ? time : last.writtenAt()));
  }

  /** A failed write (a full disk) is logged, not the command's failure: the messages are only recent again. */
  private static void write(Mailbox folder, Path file, long firstRecentUid) {
    try {
      folder.files().replaceUnsynced(file,
          (folder.uidValidity() + " " + firstRecentUid + "\n").getBytes(StandardCharsets.US_ASCII));
    } catch (StoreException e) {
      LOG.warn("cannot record which messages of {} are no longer recent: {}", folder.name(), e.getMessage());
    }
  }

  private static Object lock(Path file) {
    return CLAIMS.of(file, Object::new);
  }

  /** The tail of {@code messages} (in UID order) from {@code first} on. */
  private static List<StoredMessage> atOrAbove(long first, List<StoredMessage> messages) {
    int from = messages.size();
    while (from > 0 && messages.get(from - 1).uid() >= first) {
      from--;
    }
    return List.copyOf(messages.subList(from, messages.size()));
  }
}
