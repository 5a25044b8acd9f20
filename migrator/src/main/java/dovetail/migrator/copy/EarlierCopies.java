package dovetail.migrator.copy;

import dovetail.migrator.source.LegacyMessageInfo;
import dovetail.store.Flags;
import dovetail.store.Mailbox;
import dovetail.store.StoredMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the legacy server changed, since an earlier run, in the part of a folder that run copied: a run that resumes
 * a folder applies the legacy expunges and flag changes to it (walk-through 17, F3: a device still at the legacy
 * server deleted a message between the runs, and the store kept it). Nothing speaks for the store's older state: no
 * client sees a folder before its migration completes, and {@code doveadm backup} makes its destination the
 * source's too. Messages of other programs (foreign, or at a taken legacy UID) are not the legacy server's to change.
 *
 * <p>This covers the messages at or below the recorded resume point ({@link ForeignWrites#COMMITTED}, written every
 * 1,000 UIDs and when a run stops). Above it, after a kill, a local message that the legacy server no longer lists
 * cannot be told from another program's message: it is kept, moved above the legacy UIDNEXT ({@link ForeignWrites#plan}).
 */
final class EarlierCopies {
  private static final Logger LOG = LoggerFactory.getLogger(EarlierCopies.class);

  private EarlierCopies() {}

  /**
   * @param stored the folder's messages, listed before this run copied anything
   * @param earlier the legacy metadata of every message at or below {@code committed}
   * @param listedAll whether the legacy listing holds at least as many messages as EXAMINE counted: only then is a
   *     message missing from it an expunge, and not a server that left one out
   * @param othersUids local UIDs that hold no copy of the legacy message of the same UID
   *     ({@link ForeignWrites#notLegacyCopies})
   */
  static void update(Mailbox mailbox, List<StoredMessage> stored, long committed, List<LegacyMessageInfo> earlier, boolean listedAll,
      Set<Long> othersUids, MessageFlags flags) {
    Map<Long, LegacyMessageInfo> legacy = new HashMap<>();
    earlier.forEach(m -> legacy.put(m.uid(), m));
    List<Long> gone = new ArrayList<>();
    Map<Flags, List<Long>> reflagged = new LinkedHashMap<>();
    for (StoredMessage local : stored) {
      long uid = local.uid();
      if (uid > committed || othersUids.contains(uid)) {
        continue;
      }
      LegacyMessageInfo there = legacy.get(uid);
      if (there == null) {
        gone.add(uid);
      } else if (!flags.quietly(there).equals(local.flags())) {
        reflagged.computeIfAbsent(flags.quietly(there), f -> new ArrayList<>()).add(uid); // told once, at the copy
      }
    }
    int changed = 0;
    for (Map.Entry<Flags, List<Long>> group : reflagged.entrySet()) {
      Flags target = group.getKey();
      int[] made = {0};
      mailbox.changeFlags(group.getValue(), now -> target, c -> made[0]++);
      changed += made[0];
    }
    if (!gone.isEmpty() && !listedAll) {
      LOG.warn("{}: {} message(s) copied by an earlier run were not listed by the legacy server, which counted more"
          + " messages than it listed (expunged while it answered?): kept here", mailbox.name(), gone.size());
      gone.clear();
    }
    mailbox.expunge(gone);
    if (changed > 0 || !gone.isEmpty()) {
      LOG.info("{}: since an earlier run copied UIDs up to {}, the legacy server expunged {} of them and changed the"
          + " flags of {}: done here too (no client has seen this folder yet)", mailbox.name(), committed,
          gone.size(), changed);
    }
  }
}
