package dovetail.migrator.copy;

import dovetail.store.UidlFormat;
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
 * @param pop3UidlFormat {@code pop3_uidl_format}: a message moved to a new UID keeps the UIDL it showed
 */
public record MigrationOptions(
    int commitInterval, boolean emptyHeaderWorkaround, boolean skipUndeliverable, String listPrefix,
    RetryPolicy retry, int parallelFolders, Pop3Uidls pop3Uidls, UidlFormat pop3UidlFormat) {

  public MigrationOptions {
    if (commitInterval < 0) {
      throw new IllegalArgumentException("dsync_commit_msgs_interval must be >= 0");
    }
    listPrefix = listPrefix == null ? "" : listPrefix;
    Objects.requireNonNull(retry, "retry");
    pop3Uidls = pop3Uidls == null ? Pop3Uidls.NONE : pop3Uidls;
    pop3UidlFormat = pop3UidlFormat == null ? UidlFormat.parse(UidlFormat.DOVECOT_DEFAULT) : pop3UidlFormat;
    if (parallelFolders < 1) {
      throw new IllegalArgumentException("parallel folders must be at least 1, was " + parallelFolders);
    }
  }

  /** Dovecot's defaults: commit every 100 messages, no workaround, stop at undeliverable messages. */
  public static MigrationOptions defaults() {
    return new MigrationOptions(100, false, false, "", RetryPolicy.defaults(), 1, Pop3Uidls.NONE, null);
  }

  public MigrationOptions withCommitInterval(int value) {
    return new MigrationOptions(value, emptyHeaderWorkaround, skipUndeliverable, listPrefix, retry, parallelFolders, pop3Uidls,
        pop3UidlFormat);
  }

  public MigrationOptions withEmptyHeaderWorkaround(boolean value) {
    return new MigrationOptions(commitInterval, value, skipUndeliverable, listPrefix, retry, parallelFolders, pop3Uidls,
        pop3UidlFormat);
  }

  public MigrationOptions withSkipUndeliverable(boolean value) {
    return new MigrationOptions(commitInterval, emptyHeaderWorkaround, value, listPrefix, retry, parallelFolders, pop3Uidls,
        pop3UidlFormat);
  }

  public MigrationOptions withListPrefix(String value) {
    return new MigrationOptions(commitInterval, emptyHeaderWorkaround, skipUndeliverable, value, retry, parallelFolders, pop3Uidls,
        pop3UidlFormat);
  }

  public MigrationOptions withParallelFolders(int value) {
    return new MigrationOptions(commitInterval, emptyHeaderWorkaround, skipUndeliverable, listPrefix, retry, value, pop3Uidls,
        pop3UidlFormat);
  }

  public MigrationOptions withRetry(RetryPolicy value) {
    return new MigrationOptions(commitInterval, emptyHeaderWorkaround, skipUndeliverable, listPrefix, value, parallelFolders, pop3Uidls,
        pop3UidlFormat);
  }

  public MigrationOptions withPop3Uidls(Pop3Uidls value) {
    return new MigrationOptions(commitInterval, emptyHeaderWorkaround, skipUndeliverable, listPrefix, retry, parallelFolders,
        value, pop3UidlFormat);
  }

  public MigrationOptions withPop3UidlFormat(UidlFormat value) {
    return new MigrationOptions(commitInterval, emptyHeaderWorkaround, skipUndeliverable, listPrefix, retry, parallelFolders,
        pop3Uidls, value);
  }
}
