package dovetail.migrator.verify;

/** One way in which the store and the legacy server disagree. */
public record Difference(String folder, long uid, Kind kind, String detail) {

  public enum Kind {
    /** A selectable legacy folder has no local folder migrated from it (the skeleton could not set it up). */
    FOLDER_MISSING,
    /** The folder's migration is not complete (pending, partial, failed, ...). */
    NOT_MIGRATED,
    /** The legacy folder has another UIDVALIDITY than the one migrated (or is gone). */
    UIDVALIDITY,
    /** A legacy message below the migrated UIDNEXT is not in the store. */
    MISSING_IN_STORE,
    /**
     * A store message below the migration's UIDNEXT is no legacy message (expunged there since? or stored by another
     * program while the folder was being migrated, and not moved above it).
     */
    NOT_ON_LEGACY,
    /** A legacy message at or above the migrated UIDNEXT arrived after the migration. */
    LATE_ON_LEGACY,
    /**
     * Not a difference ({@link VerifyReport#renumbered()}): a legacy message is in the store, the same, under another
     * UID by design: a late legacy message (cut-over window) whose UID was below the store's NEXTUID or named a local
     * message, or one whose UID another program took while the folder was being migrated (the message that held the
     * UID was renumbered too); the detail says where each went.
     */
    RENUMBERED,
    /** The bytes differ (sha256). */
    CONTENT,
    /** RFC822.SIZE differs. */
    SIZE,
    /** Flags or keywords differ (changed on either side since the migration). */
    FLAGS,
    /** INTERNALDATE differs. */
    DATE
  }

  @Override
  public String toString() {
    return folder + (uid > 0 ? " UID " + uid : "") + ": " + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
        + (detail.isEmpty() ? "" : ": " + detail);
  }
}
