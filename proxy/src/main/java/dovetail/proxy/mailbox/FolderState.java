package dovetail.proxy.mailbox;

import dovetail.store.Flags;
import dovetail.store.Mailbox;
import dovetail.store.MailboxStatus;
import dovetail.store.StoreException;
import dovetail.store.StoredMessage;
import dovetail.store.UidSet;
import dovetail.store.UserChanges;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Dovetail knows of one folder beyond the store: the mod-sequences (Dovecot keeps them in its index,
 * which Maildir files do not carry) and the last state that this process has reported to IMAP sessions, so
 * that changes made by other writers (Dovecot LDA, a migration) can be found and announced.
 *
 * <p>Mod-sequences: every message known when the folder is first opened here gets {@code base}, which is above
 * any mod-sequence handed out before (the persisted {@value #HIGHEST_KEY}) and above the legacy server's
 * HIGHESTMODSEQ ({@value #LEGACY_KEY}), so CONDSTORE clients resync rather than trust stale state. Values are
 * reserved on disk in blocks of {@value #RESERVE}, so a restart never hands out a value twice: a value is handed
 * out only once its reservation is on disk, and a writer reserves ({@link #reserveAhead}) before it changes the
 * store. When the state cannot be written, the folder can still be read (at {@code base}, as it was loaded) and every
 * write beyond the reservation on disk is refused before it starts.
 *
 * <p>Expunges: every expunge (ours or another writer's) gets a mod-sequence of its own and goes into the folder's
 * {@link ExpungeLog}, for QRESYNC's VANISHED. When the folder is loaded, every UID below NEXTUID that is neither
 * present nor on record (expunged while Dovetail was not running, or before the record existed) is recorded at
 * {@code base}: a client that synced before this load hears of it, one that synced after does not.
 *
 * <p>Clients' own changes (flags, expunges) also go into the folder's {@link UserChanges}, so that {@code verify}
 * can tell a user's work since the migration from a copy that went wrong; other writers' changes do not.
 */
final class FolderState {
  private static final Logger LOG = LoggerFactory.getLogger(FolderState.class);
  static final String HIGHEST_KEY = ModSeqCeiling.HIGHEST_KEY;
  static final String LEGACY_KEY = ModSeqCeiling.LEGACY_KEY;
  static final long RESERVE = 1000;
  private static final int GONE_KEPT = 10_000;

  /** What changed since the last look; messages in ascending UID order. */
  record Changes(List<StoredMessage> added, Map<Long, StoredMessage> expunged, List<FlagChange> flags) {
    boolean isEmpty() {
      return added.isEmpty() && expunged.isEmpty() && flags.isEmpty();
    }
  }

  record FlagChange(StoredMessage message, Flags before, long modSeq) {}

  private static final Changes NO_CHANGES = new Changes(List.of(), Map.of(), List.of());

  /**
   * The common case, cheaply: the store hands out the same StoredMessage objects while a message is unchanged,
   * so one pass of identity checks in UID order shows that nothing happened.
   */
  private boolean unchanged(List<StoredMessage> current) {
    if (current == lastUnchanged) {
      return true; // the store hands out the same (unmodifiable) list while its view is unchanged
    }
    if (current.size() != known.size()) {
      return false;
    }
    int i = 0;
    for (StoredMessage k : known.values()) {
      StoredMessage c = current.get(i++);
      if (c != k && !(c.uid() == k.uid() && c.flags().equals(k.flags()))) {
        return false;
      }
    }
    lastUnchanged = current;
    return true;
  }

  /** The store's list that {@link #unchanged} last matched; forgotten when {@link #known} changes. */
  private List<StoredMessage> lastUnchanged;

  private boolean loaded;
  private long base;
  private long highest;
  private long ceiling;
  private final Map<Long, Long> modSeqs = new HashMap<>();
  /**
   * The mod-sequences of the UIDs expunged last through this process (at most {@value #GONE_KEPT}): a response
   * written for such a message as it goes (another session's FETCH or STORE) must not fall back to the base, which
   * is below every mod-sequence handed out since (walk-through 12, T4: {@code MODSEQ (1)}).
   */
  private final Map<Long, Long> goneAt = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
      return size() > GONE_KEPT;
    }
  };
  private final Map<Long, StoredMessage> known = new TreeMap<>();
  private final ExpungeLog expunges = new ExpungeLog();
  /** The legacy HIGHESTMODSEQ that every message and expunge is above ({@link #applyLegacy}), and the one wanted. */
  private long legacyApplied;
  private long legacyWanted;
  /** What clients changed through this process, for verify; read on the first change. */
  private UserChanges userChanges;

  /**
   * The user's {@link UserMailboxes}, never read: a state in use keeps its user's registry entry, so that no second
   * entry (with a second state of this folder handing out mod-sequences) can be made meanwhile.
   */
  @SuppressWarnings("unused")
  private final Object owner;

  FolderState(Object owner) {
    this.owner = owner;
  }

  /** A state of its own (tests). */
  FolderState() {
    this(null);
  }

  /** Loads the state on first use. Call with the folder's monitor held (all methods are synchronized). */
  synchronized void ensureLoaded(Mailbox folder) {
    if (loaded) {
      return;
    }
    Map<String, String> state = folder.dovetailState();
    base = ModSeqCeiling.of(state) + 1;
    highest = base;
    ceiling = base - 1;
    try {
      reserve(folder, highest);
    } catch (StoreException e) {
      // Readable all the same; writes try again and are refused while this fails.
      LOG.warn("{}: mod-sequences cannot be reserved, the folder takes no writes until they can: {}", folder.name(),
          e.getMessage());
    }
    // NEXTUID first: a UID below it that a concurrent writer is adding is then already in the listing.
    MailboxStatus status = folder.status();
    UidSet missing = UidSet.of(1, status.nextUid() - 1);
    for (StoredMessage m : folder.messages()) {
      known.put(m.uid(), m);
      missing.remove(m.uid(), m.uid());
    }
    expunges.load(folder, status.uidValidity());
    for (UidSet.Range r : expunges.all().ranges()) {
      missing.remove(r.low(), r.high());
    }
    expunges.record(folder, base, missing);
    loaded = true;
    // Above every message already (base); expunges recorded before the legacy value rose move up too.
    legacyWanted = ModSeqCeiling.number(state.get(LEGACY_KEY));
    applyLegacy(folder);
  }

  /**
   * The legacy server's HIGHESTMODSEQ recorded in the folder's state rose (flags changed there after the migration, by
   * a client still syncing with it): {@link #applyLegacy} now, or at the next {@link #sync} should it fail.
   */
  synchronized void legacyModSeqRose(Mailbox folder) {
    if (!loaded) {
      return; // its load applies it
    }
    legacyWanted = Math.max(legacyWanted, ModSeqCeiling.number(folder.dovetailState().get(LEGACY_KEY)));
    applyLegacy(folder);
  }

  /**
   * Puts every message and every expunge on record above {@link #legacyWanted}, so that a client whose HIGHESTMODSEQ
   * is the legacy one never sees HIGHESTMODSEQ go down (RFC 7162) and is told every flag and every expunge again,
   * converging on the store. Messages move only when the legacy value reached {@code base}: they all move to a new
   * base, {@link #RESERVE} above it, so that the legacy server's next few changes (late deliveries raise its
   * HIGHESTMODSEQ too) need no move. Expunges at or below the legacy value move to the base, or to a new mod-sequence.
   * A failure (the reservation cannot be written) changes nothing and is tried again by the next {@link #sync}.
   */
  private void applyLegacy(Mailbox folder) {
    long legacy = legacyWanted;
    if (legacy <= legacyApplied) {
      return;
    }
    try {
      UidSet stale = expunges.all().minus(expunges.since(legacy));
      if (legacy < base && stale.isEmpty() || folder.status().uidValidity() != expunges.uidValidity()) {
        legacyApplied = legacy; // nothing to move; or the folder was made again under its name: a new state's task
        return;
      }
      long at;
      if (legacy >= base) {
        long raised = Math.max(highest, legacy) + RESERVE;
        reserve(folder, raised);
        base = raised;
        highest = raised;
        modSeqs.clear();
        goneAt.clear();
        at = base;
        LOG.info("{}: the legacy HIGHESTMODSEQ rose to {}: every message has mod-sequence {} now, so that the legacy"
            + " server's clients resync their flags here", folder.name(), legacy, raised);
      } else {
        at = next(folder);
      }
      expunges.record(folder, at, stale);
      legacyApplied = legacy;
    } catch (StoreException e) {
      LOG.warn("{}: mod-sequences cannot be raised above the legacy HIGHESTMODSEQ {} now, tried again later: {}",
          folder.name(), legacy, e.getMessage());
    }
  }

  /** The UIDs expunged at a mod-sequence above {@code modSeq} (QRESYNC's VANISHED (EARLIER)). */
  synchronized UidSet expungedSince(long modSeq) {
    return expunges.since(modSeq);
  }

  synchronized long modSeq(long uid) {
    Long modSeq = modSeqs.get(uid);
    if (modSeq == null && !goneAt.isEmpty()) {
      modSeq = goneAt.get(uid);
    }
    return modSeq == null ? base : modSeq;
  }

  synchronized long highest() {
    return highest;
  }

  /**
   * Makes sure the next {@code count} mod-sequences are reserved on disk, so that handing them out ({@link #next})
   * cannot fail. A writer calls it before it changes the store, with this monitor held until it has its values.
   *
   * @throws StoreException when the reservation cannot be written; nothing changes then
   */
  synchronized void reserveAhead(Mailbox folder, int count) {
    ensureLoaded(folder);
    if (highest + count > ceiling) {
      reserve(folder, highest + count);
    }
  }

  /** A new mod-sequence, above every one handed out, reserved on disk first. */
  synchronized long next(Mailbox folder) {
    reserveAhead(folder, 1);
    return ++highest;
  }

  /** Records a change made through this process, so that {@link #sync} does not report it again. */
  synchronized void recordAdded(StoredMessage message, long modSeq) {
    lastUnchanged = null;
    known.put(message.uid(), message);
    modSeqs.put(message.uid(), modSeq);
  }

  /** Takes {@code before} as what sessions were last told of its message, so that {@link #sync} reports its change. */
  synchronized void unreported(StoredMessage before) {
    lastUnchanged = null;
    known.put(before.uid(), before);
  }

  synchronized void recordFlags(StoredMessage message, long modSeq) {
    lastUnchanged = null;
    known.put(message.uid(), message);
    modSeqs.put(message.uid(), modSeq);
  }

  /**
   * Records an expunge at a new mod-sequence (none for no UIDs); returns the folder's highest mod-sequence. An expunge
   * through this process reserves first ({@link #reserveAhead}), so that this cannot fail after the store changed.
   */
  synchronized long recordExpunged(Mailbox folder, Iterable<Long> uids) {
    lastUnchanged = null;
    UidSet gone = UidSet.of(uids);
    if (gone.isEmpty()) {
      return highest;
    }
    long modSeq = next(folder);
    for (long uid : uids) {
      known.remove(uid);
      modSeqs.remove(uid);
      goneAt.put(uid, modSeq);
    }
    expunges.record(folder, modSeq, gone);
    return highest;
  }

  /** Records, for verify, that clients changed the flags of {@code uids} through this process. */
  synchronized void recordClientFlags(Mailbox folder, UidSet uids) {
    userChanges(folder).recordFlags(folder, uids);
  }

  /** Records, for verify, that clients expunged {@code uids} through this process. */
  synchronized void recordClientExpunge(Mailbox folder, UidSet uids) {
    userChanges(folder).recordExpunged(folder, uids);
  }

  private UserChanges userChanges(Mailbox folder) {
    if (userChanges == null) {
      userChanges = UserChanges.load(folder);
    }
    return userChanges;
  }

  /** Compares the store's current messages with what was last reported; new changes get new mod-sequences. */
  synchronized Changes sync(Mailbox folder, List<StoredMessage> current) {
    ensureLoaded(folder);
    applyLegacy(folder); // only when a raise failed before
    if (unchanged(current)) {
      return NO_CHANGES;
    }
    List<StoredMessage> added = new ArrayList<>();
    List<FlagChange> flagChanges = new ArrayList<>();
    Set<Long> present = new HashSet<>();
    for (StoredMessage m : current) {
      present.add(m.uid());
      StoredMessage before = known.get(m.uid());
      if (before == null) {
        long modSeq = next(folder);
        recordAdded(m, modSeq);
        added.add(m);
      } else if (!before.flags().equals(m.flags())) {
        long modSeq = next(folder);
        recordFlags(m, modSeq);
        flagChanges.add(new FlagChange(m, before.flags(), modSeq));
      }
    }
    Map<Long, StoredMessage> expunged = new TreeMap<>();
    for (Map.Entry<Long, StoredMessage> e : known.entrySet()) {
      if (!present.contains(e.getKey())) {
        expunged.put(e.getKey(), e.getValue());
      }
    }
    recordExpunged(folder, new ArrayList<>(expunged.keySet()));
    return new Changes(added, expunged, flagChanges);
  }

  /**
   * Persists a ceiling a block above {@code needed}, merged into the folder's Dovetail state as one atomic update, so
   * that keys written meanwhile by others (the migration's progress) are kept; a ceiling already recorded higher is
   * never lowered. The ceiling in memory moves only once the new one is on disk.
   */
  private void reserve(Mailbox folder, long needed) {
    long wanted = needed + RESERVE;
    folder.updateDovetailState(before -> {
      Map<String, String> state = new TreeMap<>(before);
      state.put(HIGHEST_KEY, Long.toString(Math.max(wanted, ModSeqCeiling.number(before.get(HIGHEST_KEY)))));
      return state;
    });
    ceiling = wanted;
  }
}
