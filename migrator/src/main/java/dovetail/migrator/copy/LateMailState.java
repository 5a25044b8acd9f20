package dovetail.migrator.copy;

/**
 * The keys the cut-over window (issue #8) adds to a complete folder's Dovetail state, beside
 * {@link MigrationState}'s. {@link MigrationState#LEGACY_UIDNEXT} moves forward with every merge.
 */
public final class LateMailState {
  /** When the folder's migration completed (ISO-8601); the window is counted from here. */
  public static final String COMPLETED = "sync.completed";
  /**
   * The legacy UIDNEXT when the folder's migration completed; unlike {@link MigrationState#LEGACY_UIDNEXT} it does not
   * move with merges: a store message at or above it that is no legacy message is one delivered or appended here.
   */
  public static final String MIGRATED_UIDNEXT = "sync.migrated.uidnext";
  /**
   * {@code true} when the legacy folder held no message when it was migrated (nothing was copied from it), else
   * {@code false}; absent in a folder that completed before the key existed ({@link LateMailUidValidity} derives it).
   * Then every message that folder gets later is late mail, also under a new UIDVALIDITY.
   */
  public static final String MIGRATED_EMPTY = "sync.migrated.empty";
  /**
   * The legacy UIDVALIDITY late mail is read under, when it is not {@link MigrationState#LEGACY_UIDVALIDITY} (which
   * the folder was set up with, and keeps): the new one a folder migrated empty got on the legacy server before any
   * late mail was merged (Courier creates a UID database with a new one; a folder deleted and made again there).
   */
  public static final String UIDVALIDITY = "sync.uidvalidity";
  /** When the legacy folder was last asked for late mail (ISO-8601). */
  public static final String CHECKED = "sync.checked";
  /** How many late legacy messages were merged into the folder, in all. */
  public static final String MERGED = "sync.merged";
  /** How many local messages were renumbered because a late legacy message had their UID. */
  public static final String RENUMBERED = "sync.renumbered";
  /** Why the last check did not merge (legacy UIDVALIDITY changed, ...); absent after a good check. */
  public static final String ERROR = "sync.error";
  /**
   * Prefix of {@code sync.moved.<legacyUid>=<localUid>[ <renumberedLocalUid>]}: a late message that could not keep
   * its legacy UID, where it went, and where the local message that held the UID went (for {@code verify}).
   */
  public static final String MOVED_PREFIX = "sync.moved.";
  /**
   * A step in flight, written before its commit so that a kill between the commit and the state write is
   * settled on the next check instead of copying twice: {@code late <legacyUid> <localUid>} or
   * {@code renumber <oldUid> <newUid>}.
   */
  public static final String PENDING = "sync.pending";

  private LateMailState() {}
}
