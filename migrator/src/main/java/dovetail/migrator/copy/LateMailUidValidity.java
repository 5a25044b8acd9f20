package dovetail.migrator.copy;

import dovetail.store.Mailbox;
import java.util.HashMap;
import java.util.Map;

/**
 * Which legacy UIDVALIDITY a complete folder's late mail is read under (review 18, N3). Normally the one the folder
 * was set up with. But a legacy folder that held no message when it was migrated may get a new one before its first
 * late message (Courier creates the folder's UID database only then; a folder deleted and made again): none of its
 * messages can be a migrated one, so all are late mail, and the new value is adopted, as long as no late mail was
 * merged under the old one (whose UIDs would then mix with the new ones).
 */
public final class LateMailUidValidity {
  private LateMailUidValidity() {}

  /** The legacy UIDVALIDITY late mail is read under (adopted, else the folder's own); -1 when the state has none. */
  public static long of(Map<String, String> state) {
    long adopted = MigrationState.number(state.get(LateMailState.UIDVALIDITY));
    return adopted > 0 ? adopted : MigrationState.number(state.get(MigrationState.LEGACY_UIDVALIDITY));
  }

  /**
   * Whether the legacy folder held no message when the folder was migrated: as recorded then, or, for a folder that
   * completed before the record existed, when the legacy UIDNEXT was 1 at its completion (no UID given out yet, so
   * nothing was in it, nor copied from it).
   */
  public static boolean migratedEmpty(Map<String, String> state) {
    String recorded = state.get(LateMailState.MIGRATED_EMPTY);
    if (recorded != null) {
      return Boolean.parseBoolean(recorded.trim());
    }
    if (MigrationState.FolderState.of(state).orElse(null) != MigrationState.FolderState.COMPLETE) {
      return false;
    }
    long migratedUidNext = MigrationState.number(state.get(LateMailState.MIGRATED_UIDNEXT));
    if (migratedUidNext < 0 && count(state, LateMailState.MERGED) == 0) {
      migratedUidNext = MigrationState.number(state.get(MigrationState.LEGACY_UIDNEXT)); // LateMailMerge's fallback
    }
    return migratedUidNext == 1;
  }

  /**
   * Whether late mail was merged under the value late mail is read under now, or may have been: a count, a moved
   * record, or a step in flight whose message is at its noted UID (a kill after the commit).
   */
  public static boolean mergedAny(Map<String, String> state, Mailbox mailbox) {
    if (count(state, LateMailState.MERGED) > 0
        || state.keySet().stream().anyMatch(k -> k.startsWith(LateMailState.MOVED_PREFIX))) {
      return true;
    }
    String pending = state.get(LateMailState.PENDING);
    if (pending == null || !pending.trim().startsWith(Renumbering.LEGACY + " ")) {
      return false;
    }
    String[] p = pending.trim().split(" ");
    long at = p.length == 3 ? MigrationState.number(p[2]) : -1;
    return at <= 0 || mailbox.message(at).isPresent();
  }

  /** Whether a legacy folder with messages under another UIDVALIDITY is all late mail, to merge under that value. */
  public static boolean adoptable(Map<String, String> state, Mailbox mailbox) {
    return migratedEmpty(state) && !mergedAny(state, mailbox);
  }

  /**
   * The state that adopts {@code uidValidity}: merging starts at legacy UID 1, and the migration's UIDNEXT in the new
   * numbering is 1 too (it brought none of its UIDs), so that status and verify take every legacy UID as late.
   */
  static Map<String, String> adoption(long uidValidity) {
    Map<String, String> m = new HashMap<>();
    m.put(LateMailState.UIDVALIDITY, Long.toString(uidValidity));
    m.put(LateMailState.MIGRATED_EMPTY, Boolean.TRUE.toString());
    m.put(MigrationState.LEGACY_UIDNEXT, "1");
    m.put(LateMailState.MIGRATED_UIDNEXT, "1");
    m.put(LateMailState.ERROR, null);
    return m;
  }

  private static long count(Map<String, String> state, String key) {
    return Math.max(0, MigrationState.number(state.get(key)));
  }
}
