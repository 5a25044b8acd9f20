package dovetail.proxy.mailbox;

import dovetail.migrator.copy.LateMailState;
import dovetail.migrator.copy.MigrationState;
import dovetail.store.Mailbox;
import dovetail.store.StoredMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * \Recent (RFC 3501 §2.3.2) as Dovecot keeps it: a message is recent in the first read-write session that learns of it
 * (a SELECT, or the news of its arrival in a session that has the folder selected) and in no later one. Dovecot keeps
 * the first UID not yet claimed in its index (first_recent_uid); Dovetail keeps it in the folder's dovetail-state
 * ({@value #KEY}), so that it holds across sessions, restarts and the server's processes. STATUS and EXAMINE count
 * the messages at or above it without claiming them.
 *
 * <p>Before the first claim the value follows from the folder's history: a migrated folder's messages are not recent
 * (the legacy server's \Recent is not migrated), those that arrived after its migration are; every message of a
 * folder a client made here is ({@link #made}). A folder with no such history (one that Dovecot or a copy made)
 * starts with none recent, as Dovecot finds the messages in cur/ of a Maildir it has no index for: the first look
 * records that.
 */
final class RecentMessages {
  static final String KEY = "recent.first.uid";
  /** Not known from the state: the folder's first look decides. */
  private static final long UNKNOWN = -1;

  private RecentMessages() {}

  /** A client made the folder here: every message it will hold is recent until claimed. */
  static void made(Mailbox folder) {
    folder.updateDovetailState(state -> with(state, 1));
  }

  /** The first UID that no session has claimed yet, or {@link #UNKNOWN}. */
  static long firstRecentUid(Map<String, String> state) {
    for (String key : List.of(KEY, LateMailState.MIGRATED_UIDNEXT, MigrationState.LEGACY_UIDNEXT)) {
      long uid = MigrationState.number(state.get(key));
      if (uid > 0) {
        return uid;
      }
    }
    // A folder whose migration has not set its legacy UIDNEXT yet holds no message of its own.
    return state.containsKey(MigrationState.STATE) ? Long.MAX_VALUE : UNKNOWN;
  }

  /** The messages of {@code messages} (the folder now) that are recent, claimed by none. */
  static List<StoredMessage> recent(Mailbox folder, List<StoredMessage> messages) {
    long first = firstRecentUid(folder.dovetailState());
    if (first == UNKNOWN) {
      long next = messages.isEmpty() ? 1 : messages.get(messages.size() - 1).uid() + 1;
      folder.updateDovetailState(state -> firstRecentUid(state) == UNKNOWN ? with(state, next) : state);
      first = firstRecentUid(folder.dovetailState());
    }
    return atOrAbove(first, messages);
  }

  /**
   * SELECT: the recent messages of {@code messages} (the folder now), which are recent in this session only from now
   * on.
   */
  static List<StoredMessage> claimAll(Mailbox folder, List<StoredMessage> messages) {
    if (recent(folder, messages).isEmpty()) {
      return List.of(); // nothing to claim: no write
    }
    List<List<StoredMessage>> claimed = new ArrayList<>(1);
    long last = messages.get(messages.size() - 1).uid();
    folder.updateDovetailState(state -> {
      long first = firstRecentUid(state); // another session may have claimed some meanwhile
      claimed.add(atOrAbove(first, messages));
      return with(state, Math.max(first, last + 1));
    });
    return claimed.get(claimed.size() - 1);
  }

  /** A session with the folder selected learnt of new messages: those of {@code uids} that are recent in it. */
  static Set<Long> claim(Mailbox folder, Collection<Long> uids) {
    TreeSet<Long> sorted = new TreeSet<>(uids);
    if (sorted.isEmpty() || sorted.last() < firstRecentUid(folder.dovetailState())) {
      return Set.of(); // claimed by another session already: no write
    }
    List<Set<Long>> claimed = new ArrayList<>(1);
    folder.updateDovetailState(state -> {
      long first = Math.max(firstRecentUid(state), 1); // unknown (no SELECT recorded it): these are new
      claimed.add(Set.copyOf(sorted.tailSet(first)));
      return with(state, Math.max(first, sorted.last() + 1));
    });
    return claimed.get(claimed.size() - 1);
  }

  /** A read-only session learnt of new messages: those of {@code uids} that no session has claimed. */
  static Set<Long> unclaimed(Mailbox folder, Collection<Long> uids) {
    return Set.copyOf(new TreeSet<>(uids).tailSet(Math.max(firstRecentUid(folder.dovetailState()), 1)));
  }

  private static Map<String, String> with(Map<String, String> state, long firstRecentUid) {
    Map<String, String> next = new TreeMap<>(state);
    next.put(KEY, Long.toString(firstRecentUid));
    return next;
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
