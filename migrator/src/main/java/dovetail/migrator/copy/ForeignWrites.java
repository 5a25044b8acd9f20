package dovetail.migrator.copy;

import dovetail.migrator.source.BodyConsumer;
import dovetail.migrator.source.LegacyImapSession;
import dovetail.migrator.source.LegacyMessageInfo;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoredMessage;
import dovetail.store.UidlFormat;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages that another program stored in a folder while {@link FolderMigration} was filling it. The README lets a
 * stock Dovecot (IMAP, LDA, LMTP) write the store at the same time as Dovetail; it takes the folder's next UID, which
 * during a migration is a <em>legacy</em> UID (the store's NEXTUID only reaches the legacy UIDNEXT when the folder
 * completes, and cannot be raised sooner: Dovecot then takes the legacy messages stored below it for expunged ones
 * that "reappeared" and gives them new UIDs). So the store's next UID is not the migration's resume point, and a
 * message at a legacy UID is not necessarily the legacy message.
 *
 * <p><b>What the migration committed</b> is recorded after a commit ({@link #COMMITTED}; at least every
 * {@link #RECORD_EVERY} UIDs, with every foreign message found, and when a run stops): every local message at
 * or below it is a copy this migration made, or is named in the state ({@link #FOREIGN_PREFIX}, {@link #TAKEN_PREFIX}).
 * A kill between a commit and its record leaves local messages above it; {@link #plan} adopts those that are the
 * legacy message byte for byte (same INTERNALDATE, same bytes), and takes every other one for a foreign message.
 *
 * <p><b>A legacy UID another program took</b> (its message stored there, or the store's next UID past it) cannot be
 * given to the legacy message any more: uidlist records must ascend, and a client of that program already saw the UID
 * name its message. The folder then does not complete: it fails, naming the UIDs, with everything else copied. An
 * operator's run of the failed folder (only {@code migrate} and {@code backup} run failed folders; the sweeper and
 * clients never do) is the consent to do what dsync does with a UID conflict: the legacy message is copied under a
 * new UID above the legacy UIDNEXT, the message that held its UID is renumbered too, and the move is recorded under
 * {@link LateMailState#MOVED_PREFIX} (where {@code verify} finds it), exactly as for late legacy mail.
 *
 * <p><b>Foreign messages</b> below the legacy UIDNEXT are moved above it when the folder completes (a copy under the
 * next UID, then the old UID expunged, {@link Renumbering}): a UID below the legacy UIDNEXT may have named a legacy
 * message that was expunged before the migration, and a client that cached the legacy folder fetches nothing below its
 * UIDNEXT again.
 */
final class ForeignWrites {
  private static final Logger LOG = LoggerFactory.getLogger(ForeignWrites.class);

  /** The highest legacy UID the migration has accounted for; see the class comment. */
  static final String COMMITTED = "migration.committed.uid";
  /**
   * Prefix of {@code migration.taken.<legacyUid>=<why>}: a legacy message that cannot be stored under its UID because
   * another program's message took it; {@link #CONSENTED} once an operator ran the failed folder again.
   */
  static final String TAKEN_PREFIX = "migration.taken.";
  /** Prefix of {@code migration.foreign.<localUid>=}: another program's message below the legacy UIDNEXT. */
  static final String FOREIGN_PREFIX = "migration.foreign.";
  /** A renumbering or copy in flight ({@link Renumbering}'s note). */
  static final String PENDING = "migration.pending";
  /** The value of a taken key once the operator consented to new UIDs. */
  static final String CONSENTED = "renumber";

  /** {@code state} without what is recorded here of other programs' writes: UIDs of a UIDVALIDITY given up. */
  static Map<String, String> withoutRecords(Map<String, String> state) {
    Map<String, String> next = new HashMap<>(state);
    next.keySet().removeIf(k -> k.startsWith(TAKEN_PREFIX) || k.startsWith(FOREIGN_PREFIX) || k.equals(PENDING));
    return next;
  }

  /** How many UIDs a reason lists before it says "and N more". */
  private static final int LISTED = 12;

  private final Mailbox mailbox;
  private final Consumer<Map<String, String>> record;
  private final Renumbering moves;
  /** Where a foreign message lands next: the store's next UID after our last commit. */
  private long expectedNext = -1;
  /** The last {@link #COMMITTED} written by this run. */
  private long recorded;
  /**
   * How far the {@link #COMMITTED} record may lag behind the commits (in UIDs): each record is a write of the folder's
   * state, and a resume only compares the messages above it with the legacy ones, byte for byte, before going on.
   */
  static final long RECORD_EVERY = 1000;

  /**
   * @param uidlFormat {@code pop3_uidl_format}, for the UIDLs of moved messages (see {@link #resolve})
   * @param record merges updates (null removes) into the folder's state, with the caller's stamp
   */
  ForeignWrites(Mailbox mailbox, UidlFormat uidlFormat, Consumer<Map<String, String>> record) {
    this.mailbox = mailbox;
    this.record = record;
    this.moves = new Renumbering(mailbox, uidlFormat, PENDING, record);
  }

  long committed() {
    return Math.max(0, MigrationState.number(mailbox.dovetailState().get(COMMITTED)));
  }

  /** How many taken legacy UIDs the operator consented to give new UIDs (this run copies them). */
  long consented() {
    return taken().values().stream().filter(CONSENTED::equals).count();
  }

  /** The legacy UIDs recorded as taken, with their values. */
  TreeMap<Long, String> taken() {
    return uids(mailbox.dovetailState(), TAKEN_PREFIX);
  }

  TreeSet<Long> foreign() {
    return new TreeSet<>(uids(mailbox.dovetailState(), FOREIGN_PREFIX).keySet());
  }

  /**
   * Local UIDs that hold no copy of the legacy message of the same UID: other programs' messages, the occupants of
   * taken legacy UIDs, and what a UID conflict's move put above the legacy UIDNEXT (a legacy message under a new UID,
   * its occupant). What a resumed run may change to follow the legacy server excludes them ({@link EarlierCopies}).
   */
  Set<Long> notLegacyCopies() {
    Map<String, String> state = mailbox.dovetailState();
    Set<Long> out = new HashSet<>(uids(state, FOREIGN_PREFIX).keySet());
    out.addAll(uids(state, TAKEN_PREFIX).keySet());
    uids(state, LateMailState.MOVED_PREFIX).values().forEach(to -> {
      for (String uid : to.trim().split(" ")) {
        out.add(MigrationState.number(uid));
      }
    });
    return out;
  }

  /**
   * The records of other programs' messages, removed with the folder's completion: not sooner, as the resume point's
   * record covers messages above the legacy UIDNEXT after a kill, and only these records keep a resumed run from
   * taking them for copies the legacy server expunged (review 22, F2).
   */
  Map<String, String> foreignRecordsToClear() {
    Map<String, String> out = new HashMap<>();
    foreign().forEach(uid -> out.put(FOREIGN_PREFIX + uid, null));
    return out;
  }

  static TreeMap<Long, String> uids(Map<String, String> state, String prefix) {
    TreeMap<Long, String> out = new TreeMap<>();
    state.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        long uid = MigrationState.number(k.substring(prefix.length()));
        if (uid > 0) {
          out.put(uid, v);
        }
      }
    });
    return out;
  }

  /** An operator ran the folder that failed for taken UIDs: those recorded now may get new UIDs. */
  void consent() {
    Map<String, String> updates = new HashMap<>();
    taken().keySet().forEach(uid -> updates.put(TAKEN_PREFIX + uid, CONSENTED));
    if (!updates.isEmpty()) {
      record.accept(updates);
      LOG.info("{}: an operator ran the folder again: legacy UIDs {} get new UIDs", mailbox.name(),
          ranges(updates.keySet().stream().map(k -> Long.parseLong(k.substring(TAKEN_PREFIX.length()))).toList()));
    }
  }

  /** Finishes or drops the step a kill interrupted (see {@link Renumbering}). */
  void settle(LegacyImapSession session, String legacyName) {
    Optional<Renumbering.Pending> pending = moves.pending();
    if (pending.isEmpty()) {
      return;
    }
    Renumbering.Pending p = pending.get();
    if (p.kind().equals(Renumbering.RENUMBER)) {
      moves.settleRenumber(p, foreignMoved(p.from()));
      return;
    }
    List<LegacyMessageInfo> from = session.fetchMetadata(legacyName, p.from());
    if (!from.isEmpty() && moves.landed(p, from.get(0))) {
      legacyMoved(p.from(), Long.toString(p.to()));
      return;
    }
    moves.clear();
  }

  /**
   * Sorts what lies between the recorded {@link #COMMITTED} UID and the store's next UID: local messages that are the
   * legacy message under its UID (a commit whose record a kill cut off) are kept as copied; every other local message
   * there is foreign; every legacy UID there without its legacy message is taken. All of it is recorded before
   * anything above it is copied.
   *
   * @param legacy the legacy messages above the recorded UID (those accounted for now are removed)
   * @return the legacy messages still to copy, all at or above the store's next UID
   */
  List<LegacyMessageInfo> plan(LegacyImapSession session, String legacyName, List<LegacyMessageInfo> legacy) {
    long committed = committed();
    long next = mailbox.status().nextUid();
    Map<Long, StoredMessage> local = new TreeMap<>();
    for (StoredMessage m : tail(mailbox.messages(), committed)) {
      local.put(m.uid(), m);
    }
    List<LegacyMessageInfo> below = new ArrayList<>();
    List<LegacyMessageInfo> todo = new ArrayList<>();
    for (LegacyMessageInfo r : legacy) {
      if (r.uid() <= committed) {
        continue;
      }
      (r.uid() < next ? below : todo).add(r);
    }
    Set<Long> taken = new TreeSet<>();
    List<Long> candidates = new ArrayList<>();
    for (LegacyMessageInfo r : below) {
      StoredMessage m = local.get(r.uid());
      if (m != null && m.internalDate().getEpochSecond() == r.internalDate().getEpochSecond()) {
        candidates.add(r.uid());
      } else {
        taken.add(r.uid());
      }
    }
    Set<Long> adopted = sameBytes(session, legacyName, candidates);
    candidates.stream().filter(uid -> !adopted.contains(uid)).forEach(taken::add);
    Set<Long> foreign = new TreeSet<>(local.keySet());
    foreign.removeAll(adopted);

    Map<String, String> updates = new HashMap<>();
    for (long uid : taken) {
      updates.put(TAKEN_PREFIX + uid, local.containsKey(uid) ? "held by another message"
          : "below the next UID " + next);
    }
    foreign.forEach(uid -> updates.put(FOREIGN_PREFIX + uid, ""));
    if (next - 1 > committed) {
      updates.put(COMMITTED, Long.toString(next - 1));
    }
    if (!updates.isEmpty()) {
      record.accept(updates);
    }
    if (!adopted.isEmpty()) {
      LOG.info("{}: {} messages above the recorded resume point are the legacy ones, copied before a kill: kept",
          mailbox.name(), adopted.size());
    }
    if (!foreign.isEmpty() || !taken.isEmpty()) {
      LOG.warn("{}: another program stored messages in the folder during its migration: local UIDs {}{}",
          mailbox.name(), ranges(foreign), taken.isEmpty() ? "" : "; legacy UIDs " + ranges(taken)
              + " cannot keep their UIDs");
    }
    legacy.removeIf(r -> r.uid() < next);
    expectedNext = next;
    recorded = Math.max(committed, next - 1);
    return todo;
  }

  /**
   * After each commit of the migration ({@code first..last} its UIDs): messages another program stored since the
   * previous commit sit right above it (a writer takes the next UID) and below {@code first} (otherwise the commit
   * would have failed): they are recorded, and so is {@code last}. The folder is read for them only when the store
   * says another writer may have written since the previous commit: reading it builds its view, which a migration
   * otherwise never needs.
   */
  void committed(long first, long last, boolean othersMayHaveWritten) {
    Map<String, String> updates = new HashMap<>();
    // Nothing can lie between two commits whose UIDs meet (it would have failed this commit): no read of the folder.
    if (expectedNext > 0 && expectedNext < first && othersMayHaveWritten) {
      // All of them, not only up to the first hole: its user may have expunged one already (review 22, F1: the one
      // behind the hole went unrecorded, and a resumed run took it for a copy the legacy server had expunged).
      for (StoredMessage m : tail(mailbox.messages(), expectedNext - 1)) {
        if (m.uid() >= first) {
          break;
        }
        updates.put(FOREIGN_PREFIX + m.uid(), "");
        LOG.warn("{}: another program stored a message as UID {} during the migration", mailbox.name(), m.uid());
      }
    }
    if (!updates.isEmpty() || last - recorded >= RECORD_EVERY) {
      updates.put(COMMITTED, Long.toString(last));
      record.accept(updates);
      recorded = last;
    }
    expectedNext = last + 1;
  }

  /** Writes the {@link #COMMITTED} record where it lags behind this run's commits: for a run that stops here. */
  void recordCommitted() {
    if (expectedNext - 1 > recorded) {
      record.accept(Map.of(COMMITTED, Long.toString(expectedNext - 1)));
      recorded = expectedNext - 1;
    }
  }

  /** The legacy UIDs taken without the operator's consent (those since expunged on the legacy side are dropped). */
  TreeSet<Long> unconsented(LegacyImapSession session, String legacyName) {
    dropGone(session, legacyName);
    TreeSet<Long> out = new TreeSet<>();
    taken().forEach((uid, v) -> {
      if (!CONSENTED.equals(v)) {
        out.add(uid);
      }
    });
    return out;
  }

  /** Why the folder cannot complete, and what to do (one state line: under 500 characters for a few ranges). */
  String reason(Set<Long> taken, long legacyUidNext) {
    TreeSet<Long> foreign = foreign();
    boolean one = taken.size() == 1;
    return (one ? "legacy UID " : "legacy UIDs ") + ranges(taken) + " (" + taken.size() + (one ? " message" : " messages")
        + ") cannot keep " + (one ? "its UID" : "their UIDs") + ": another program (Dovecot, its LDA?) stored messages "
        + "in the folder during its migration" + (foreign.isEmpty() ? "" : " (local " + (foreign.size() == 1 ? "UID "
        : "UIDs ") + ranges(foreign) + ")") + " and took " + (one ? "it" : "them") + ". Nothing is lost: "
        + (one ? "it is" : "they are") + " still on the legacy server, the rest is copied. Run this folder's migration "
        + "again (migrate -f, or backup) to copy " + (one ? "it under a new UID" : "them under new UIDs") + " from "
        + legacyUidNext + " and move the other messages there too (dsync's rule for a UID conflict)";
  }

  /**
   * With the folder's NEXTUID at the legacy UIDNEXT (nothing can land below it any more): the consented legacy messages
   * copied under new UIDs, the foreign messages moved above the legacy UIDNEXT.
   *
   * <p>POP3 UIDLs: each moved message keeps the UIDL it showed (the legacy one: its legacy UIDL), except where both
   * showed the same one (the legacy server and a Dovecot on this store, e.g. both {@code %08Xu%08Xv} of the same UID):
   * a client of either may hold it, so neither keeps it (IMAP's rule for the UID): both are fetched again, none lost.
   *
   * @param lateWriters whether another writer may have written the folder after the run's last commit of messages
   *     (a foreign message that no commit's check saw can only be there then)
   * @param legacyUids the legacy UIDs above {@code committedAtStart}, as the run first fetched them
   * @param copied told the size of each legacy message copied (the run's progress)
   * @return what was moved, for the folder's result
   */
  List<String> resolve(LegacyImapSession session, String legacyName, long legacyUidNext, long committedAtStart,
      boolean lateWriters, Set<Long> legacyUids, MessageFlags flags, Map<Long, Pop3Uidls.Uidl> uidls, java.util.function.LongConsumer copied) {
    // A foreign message in a gap of the legacy UIDs that no commit noticed (a writer that did not take the next UID).
    Map<String, String> found = new HashMap<>();
    Set<Long> takenUids = taken().keySet();
    for (StoredMessage m : lateWriters ? tail(mailbox.messages(), committedAtStart) : List.<StoredMessage>of()) {
      if (m.uid() < legacyUidNext && !legacyUids.contains(m.uid()) && !takenUids.contains(m.uid())) {
        found.put(FOREIGN_PREFIX + m.uid(), "");
      }
    }
    if (!found.isEmpty()) {
      record.accept(found);
    }
    List<String> notes = new ArrayList<>();
    TreeMap<Long, String> taken = taken();
    if (!taken.isEmpty()) {
      List<Long> copiedFrom = new ArrayList<>();
      List<Long> copiedTo = new ArrayList<>();
      Map<Long, LegacyMessageInfo> infos = new HashMap<>();
      for (LegacyMessageInfo r : session.fetchMetadata(legacyName, taken.firstKey())) {
        infos.put(r.uid(), r);
      }
      for (long uid : taken.keySet()) {
        LegacyMessageInfo info = infos.get(uid);
        if (info == null) {
          legacyMoved(uid, null); // expunged on the legacy server since: nothing to copy
          continue;
        }
        Optional<StoredMessage> occupant = mailbox.message(uid);
        Pop3Uidls.Uidl uidl = uidls.get(uid);
        boolean clash = occupant.isPresent() && moves.sameUidl(occupant.get(), uid, uidl);
        Set<String> used = moves.uidlsInUse(uid);
        long occupantTo = occupant.isPresent() ? moveForeign(occupant.get(), !clash) : 0;
        long target = mailbox.status().nextUid();
        MessageMeta meta = moves.legacyUidl(MessageMeta.withUid(target, info.internalDate(), flags.of(info)), uidl,
            used);
        Renumbering.Copied copy = moves.copyLegacy(session, legacyName, info, meta);
        if (copy.bytes() < 0) {
          moves.clear();
          if (copy.goneFromLegacy()) {
            legacyMoved(uid, null);
            continue;
          }
          throw new dovetail.migrator.source.LegacyException(dovetail.migrator.source.LegacyException.Kind.PROTOCOL,
              "legacy UID " + uid + " could not be fetched to copy it under a new UID: " + copy.failure());
        }
        legacyMoved(uid, target + (occupant.isPresent() ? " " + occupantTo : ""));
        copied.accept(copy.bytes());
        LOG.warn("{}: legacy UID {} copied as UID {}: another program's message had taken its UID", mailbox.name(), uid,
            target);
        copiedFrom.add(uid);
        copiedTo.add(target);
      }
      if (!copiedFrom.isEmpty()) {
        notes.add("legacy UIDs " + ranges(copiedFrom) + " copied as UIDs " + ranges(copiedTo)
            + ": another program had taken their UIDs during the migration");
      }
    }
    List<Long> movedFrom = new ArrayList<>();
    List<Long> movedTo = new ArrayList<>();
    for (long uid : foreign()) {
      Optional<StoredMessage> m = mailbox.message(uid);
      if (m.isEmpty()) {
        record.accept(foreignMoved(uid)); // expunged meanwhile
        continue;
      }
      if (uid >= legacyUidNext) {
        continue; // above the legacy UIDs already; its record goes with the completion (foreignRecordsToClear)
      }
      movedFrom.add(uid);
      movedTo.add(moveForeign(m.get(), true));
    }
    if (!movedFrom.isEmpty()) {
      notes.add(movedFrom.size() + " messages another program stored during the migration moved from UIDs "
          + ranges(movedFrom) + " to " + ranges(movedTo) + ", above the legacy UIDNEXT " + legacyUidNext);
    }
    return notes;
  }

  private long moveForeign(StoredMessage m, boolean keepUidl) {
    long to = moves.renumber(m, foreignMoved(m.uid()), keepUidl);
    LOG.warn("{}: another program's message moved from UID {} to UID {}, above the legacy UIDs", mailbox.name(), m.uid(),
        to);
    return to;
  }

  private static Map<String, String> foreignMoved(long uid) {
    Map<String, String> m = new HashMap<>();
    m.put(FOREIGN_PREFIX + uid, null);
    return m;
  }

  /** A taken legacy UID settled: moved ({@code to} = "newUid [occupantNewUid]"), or gone from the legacy server. */
  private void legacyMoved(long uid, String to) {
    Map<String, String> m = new HashMap<>();
    m.put(TAKEN_PREFIX + uid, null);
    m.put(PENDING, null);
    if (to != null) {
      m.put(LateMailState.MOVED_PREFIX + uid, to);
    }
    record.accept(m);
  }

  private void dropGone(LegacyImapSession session, String legacyName) {
    TreeMap<Long, String> taken = taken();
    if (taken.isEmpty()) {
      return;
    }
    Set<Long> there = new HashSet<>();
    session.fetchMetadata(legacyName, taken.firstKey()).forEach(r -> there.add(r.uid()));
    Map<String, String> gone = new HashMap<>();
    taken.keySet().stream().filter(uid -> !there.contains(uid)).forEach(uid -> gone.put(TAKEN_PREFIX + uid, null));
    if (!gone.isEmpty()) {
      record.accept(gone);
    }
  }

  /** Which of the UIDs hold, locally, exactly the bytes the legacy server has under the same UID. */
  private Set<Long> sameBytes(LegacyImapSession session, String legacyName, List<Long> uids) {
    Set<Long> same = new HashSet<>();
    if (uids.isEmpty()) {
      return same;
    }
    session.fetchBodies(legacyName, uids, new BodyConsumer() {
      @Override
      public void accept(long uid, InputStream body) throws IOException {
        try (InputStream mine = mailbox.openContent(uid)) {
          if (Renumbering.sameBytes(body, mine)) {
            same.add(uid);
          }
        }
        body.transferTo(java.io.OutputStream.nullOutputStream());
      }

      @Override
      public void failed(long uid, String reason) {
        LOG.warn("{}: legacy UID {} could not be fetched to compare it with the local message: {}", mailbox.name(), uid,
            reason);
      }
    });
    return same;
  }

  /** The messages above {@code uid}, from a list in UID order. */
  private static List<StoredMessage> tail(List<StoredMessage> messages, long uid) {
    int lo = 0;
    int hi = messages.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (messages.get(mid).uid() <= uid) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return messages.subList(lo, messages.size());
  }

  /** "3, 7-9, 12": UIDs as ranges, the first few. */
  static String ranges(Iterable<Long> uids) {
    List<Long> sorted = new ArrayList<>();
    uids.forEach(sorted::add);
    Collections.sort(sorted);
    StringBuilder s = new StringBuilder();
    int shown = 0;
    for (int i = 0; i < sorted.size(); ) {
      int j = i;
      while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) {
        j++;
      }
      if (shown == LISTED) {
        s.append(", ... (").append(sorted.size()).append(" in all)");
        break;
      }
      s.append(s.length() == 0 ? "" : ", ").append(sorted.get(i));
      if (j > i) {
        s.append('-').append(sorted.get(j));
      }
      shown++;
      i = j + 1;
    }
    return s.toString();
  }
}
