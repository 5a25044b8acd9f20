package dovetail.migrator.copy;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which of a folder's stored messages are not legacy copies, and how many legacy messages wait for an operator, as the
 * records in the folder's dovetail-state say ({@link ForeignWrites}, {@link LateMailMerge}). The store alone cannot
 * tell another program's message at a legacy UID from the legacy message, nor a legacy message under a new UID from
 * a delivery; status needs both.
 */
public final class StoredOrigins {
  /** Other programs' messages: at a legacy UID during the migration, or moved up to free one. */
  private final Set<Long> local = new HashSet<>();
  /** Legacy messages stored under a new UID: new UID to legacy UID. */
  private final Map<Long, Long> legacyMoved = new HashMap<>();
  private final long waiting;

  private StoredOrigins(Map<String, String> state) {
    local.addAll(ForeignWrites.uids(state, ForeignWrites.FOREIGN_PREFIX).keySet());
    // "newUid [occupantNewUid]": the legacy message went to newUid, the message that held its UID to occupantNewUid.
    ForeignWrites.uids(state, LateMailState.MOVED_PREFIX).forEach((legacyUid, moved) -> {
      String[] uids = moved.trim().split(" ");
      legacyMoved.put(MigrationState.number(uids[0]), legacyUid);
      if (uids.length > 1) {
        local.add(MigrationState.number(uids[1]));
      }
    });
    // A legacy message's destination is never local, also when it was once an occupant moved for later late mail
    // (the record naming it as the occupant then names it as the destination too, Renumbering.movedReferences).
    local.removeAll(legacyMoved.keySet());
    waiting = ForeignWrites.uids(state, ForeignWrites.TAKEN_PREFIX).values().stream()
        .filter(v -> !ForeignWrites.CONSENTED.equals(v)).count();
  }

  public static StoredOrigins of(Map<String, String> state) {
    return new StoredOrigins(state);
  }

  /** Another program's message (a delivery, an APPEND, Dovecot's), not a legacy copy. */
  public boolean local(long uid) {
    return local.contains(uid);
  }

  /**
   * A legacy message the migration stored at {@code uid}, as opposed to late legacy mail and other programs' messages:
   * one below {@code uidNext} (the legacy UIDNEXT when the folder completed; the highest before), under its own UID
   * or moved above because another program took that UID.
   */
  public boolean migrated(long uid, long uidNext) {
    if (local.contains(uid)) {
      return false;
    }
    Long legacyUid = legacyMoved.get(uid);
    return legacyUid == null ? uid < uidNext : legacyUid < uidNext;
  }

  /** Legacy messages not stored because another program took their UIDs, until an operator runs the folder again. */
  public long waiting() {
    return waiting;
  }
}
