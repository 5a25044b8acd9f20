package dovetail.migrator.service;

import dovetail.migrator.copy.MigrationState;
import java.time.Instant;
import java.util.Optional;

/**
 * One folder's migration.
 *
 * @param folder        the local name
 * @param state         pending, migrating, partial, complete, failed; "local" for a folder created in Dovetail
 * @param messagesDone  messages in the store
 * @param messagesTotal messages the legacy folder had when its migration started; -1 when not known yet
 * @param bytesDone     bytes in the store
 * @param bytesTotal    bytes (RFC822.SIZE) the legacy folder had; -1 when not known yet
 * @param skipped       messages recorded as undeliverable by the source
 * @param error         the last error, if any
 * @param messagesPerSecond the rate of the migration running now; 0 when none runs
 * @param etaSeconds    seconds left at that rate; -1 when unknown
 * @param legacyChecked when the legacy folder was last checked for late mail (issue #8); empty when never
 * @param lateMerged    late legacy messages merged into the folder after its migration
 * @param messagesLocal messages another writer added to a migrated folder (deliveries, APPENDs, Dovecot), not in
 *     messagesDone; 0 for a folder made here, whose messages are all in messagesDone
 * @param bytesLocal    their bytes, not in bytesDone
 * @param messagesExpunged migrated legacy messages no longer in the store (the user deleted them here since: IMAP
 *     EXPUNGE, POP3 DELE); still counted in messagesDone, which says what the migration did
 * @param flagsDropped  keywords the migration could not copy (Maildir holds 26 per folder), with their names
 */
public record FolderStatus(String folder, String state, long messagesDone, long messagesTotal, long bytesDone,
    long bytesTotal, int skipped, Optional<String> error, double messagesPerSecond, long etaSeconds,
    Optional<Instant> legacyChecked, long lateMerged, long messagesLocal, long bytesLocal, long messagesExpunged,
    DroppedFlags flagsDropped) {
  /** Keywords not copied: how many times one was left off a message, and their names. */
  public record DroppedFlags(long count, String names) {
    public static final DroppedFlags NONE = new DroppedFlags(0, "");
  }

  /** The state of a folder created in Dovetail: it has no legacy twin. */
  public static final String LOCAL = "local";

  /**
   * This folder, without a migration state, as it stands before the user's legacy folders were listed: pending, its
   * legacy size not known, and what is here so far (a delivery's) local, not migrated.
   */
  public FolderStatus beforeListing() {
    return new FolderStatus(folder, MigrationState.FolderState.PENDING.configName(), 0, -1, 0, -1, skipped, error,
        0, -1, legacyChecked, 0, messagesDone + messagesLocal, bytesDone + bytesLocal, 0, flagsDropped);
  }

  /** Migrated, or made here: nothing of it is left on the legacy server. */
  public boolean nothingToMigrate() {
    return state.equals(MigrationState.FolderState.COMPLETE.configName()) || state.equals(LOCAL);
  }

  /** Without expunged messages. */
  public FolderStatus(String folder, String state, long messagesDone, long messagesTotal, long bytesDone,
      long bytesTotal, int skipped, Optional<String> error, double messagesPerSecond, long etaSeconds,
      Optional<Instant> legacyChecked, long lateMerged, long messagesLocal, long bytesLocal) {
    this(folder, state, messagesDone, messagesTotal, bytesDone, bytesTotal, skipped, error, messagesPerSecond,
        etaSeconds, legacyChecked, lateMerged, messagesLocal, bytesLocal, 0, DroppedFlags.NONE);
  }

  /** Without dropped flags. */
  public FolderStatus(String folder, String state, long messagesDone, long messagesTotal, long bytesDone,
      long bytesTotal, int skipped, Optional<String> error, double messagesPerSecond, long etaSeconds,
      Optional<Instant> legacyChecked, long lateMerged, long messagesLocal, long bytesLocal, long messagesExpunged) {
    this(folder, state, messagesDone, messagesTotal, bytesDone, bytesTotal, skipped, error, messagesPerSecond,
        etaSeconds, legacyChecked, lateMerged, messagesLocal, bytesLocal, messagesExpunged, DroppedFlags.NONE);
  }

  /** Without late-mail checks or local messages. */
  public FolderStatus(String folder, String state, long messagesDone, long messagesTotal, long bytesDone,
      long bytesTotal, int skipped, Optional<String> error, double messagesPerSecond, long etaSeconds) {
    this(folder, state, messagesDone, messagesTotal, bytesDone, bytesTotal, skipped, error, messagesPerSecond,
        etaSeconds, Optional.empty(), 0, 0, 0, 0, DroppedFlags.NONE);
  }
}
