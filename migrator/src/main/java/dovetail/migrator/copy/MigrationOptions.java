package dovetail.migrator.copy;

import java.util.Objects;

/**
 * How folders are copied.
 *
 * @param commitInterval commit every this many messages ({@code dsync_commit_msgs_interval}); 0 = only at
 *     the end of a folder (and whenever the legacy connection fails)
 * @param emptyHeaderWorkaround {@code dsync_features = empty-header-workaround}: a body that comes back
 *     empty or without a header while RFC822.SIZE says otherwise is fetched once more, and then counts as
 *     undeliverable
 * @param skipUndeliverable give up on a message the source cannot deliver (after the retries) and go on
 *     with the rest of the folder. Off by default: then the folder stops at that message, so that no UID
 *     below the folder's last one can ever be missing. When on, the message's UID is lost for good
 *     (a store never takes a UID below its next UID) and it is recorded as skipped.
 * @param listPrefix {@code imapc_list_prefix}
 * @param retry reconnects and backoff
 * @param pop3Uidls POP3 UIDLs and order for the folders they apply to (pop3c_* and pop3_migration_*)
 * @param parallelFolders how many folders of one user are migrated at once, each over its own legacy
 *     connection (they count against {@code legacy_max_connections}); 1 = one session for everything
 */
public record MigrationOptions(
    int commitInterval, boolean emptyHeaderWorkaround, boolean skipUndeliverable, String listPrefix,
    RetryPolicy retry, int parallelFolders, Pop3Uidls pop3Uidls) {

  public MigrationOptions {
    if (commitInterval < 0) {
      throw new IllegalArgumentException("dsync_commit_msgs_interval must be >= 0");
    }
    listPrefix = listPrefix == null ? "" : listPrefix;
    Objects.requireNonNull(retry, "retry");
    pop3Uidls = pop3Uidls == null ? Pop3Uidls.NONE : pop3Uidls;
    if (parallelFolders < 1) {
      throw new IllegalArgumentException("parallel folders must be at least 1, was " + parallelFolders);
    }
  }

  /** Dovecot's defaults: commit every 100 messages, no workaround, stop at undeliverable messages. */
  public static MigrationOptions defaults() {
    return new MigrationOptions(100, false, false, "", RetryPolicy.defaults(), 1, Pop3Uidls.NONE);
  }

  public MigrationOptions withCommitInterval(int value) {
    return new MigrationOptions(value, emptyHeaderWorkaround, skipUndeliverable, listPrefix, retry, parallelFolders, pop3Uidls);
  }

  public MigrationOptions withEmptyHeaderWorkaround(boolean value) {
    return new MigrationOptions(commitInterval, value, skipUndeliverable, listPrefix, retry, parallelFolders, pop3Uidls);
  }

  public MigrationOptions withSkipUndeliverable(boolean value) {
    return new MigrationOptions(commitInterval, emptyHeaderWorkaround, value, listPrefix, retry, parallelFolders, pop3Uidls);
  }

  public MigrationOptions withListPrefix(String value) {
    return new MigrationOptions(commitInterval, emptyHeaderWorkaround, skipUndeliverable, value, retry, parallelFolders, pop3Uidls);
  }

  public MigrationOptions withParallelFolders(int value) {
    return new MigrationOptions(commitInterval, emptyHeaderWorkaround, skipUndeliverable, listPrefix, retry, value, pop3Uidls);
  }

  public MigrationOptions withRetry(RetryPolicy value) {
    return new MigrationOptions(commitInterval, emptyHeaderWorkaround, skipUndeliverable, listPrefix, value, parallelFolders, pop3Uidls);
  }

  public MigrationOptions withPop3Uidls(Pop3Uidls value) {
    return new MigrationOptions(commitInterval, emptyHeaderWorkaround, skipUndeliverable, listPrefix, retry, parallelFolders,
        value);
  }
}
