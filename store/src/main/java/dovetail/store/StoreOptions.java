package dovetail.store;

import dovetail.conf.FsyncMode;
import java.time.Duration;

/**
 * How the store writes, and how long it keeps what it read.
 *
 * @param fsync Dovecot's mail_fsync
 * @param lockTimeout how long to wait for dovecot-uidlist.lock before failing (Dovecot: 122 s)
 * @param keepFolders how long a folder's in-memory view (about 1 KB per message) stays once nobody uses it
 */
public record StoreOptions(FsyncMode fsync, Duration lockTimeout, KeepFolders keepFolders) {
  public static final StoreOptions DEFAULT =
      new StoreOptions(FsyncMode.OPTIMIZED, Duration.ofSeconds(122), KeepFolders.WHILE_MEMORY_ALLOWS);

  /** A folder in use is always kept, and is the only one for its directory; these say what happens after. */
  public enum KeepFolders {
    /** Until memory runs short: a server, whose clients come back to the same folders. */
    WHILE_MEMORY_ALLOWS,
    /** Not beyond its use: a run that goes through every folder once (backup, verify), in a heap that need
     *  not hold them all. */
    WHILE_USED
  }

  public StoreOptions withFsync(FsyncMode mode) {
    return new StoreOptions(mode, lockTimeout, keepFolders);
  }

  public StoreOptions withKeepFolders(KeepFolders keep) {
    return new StoreOptions(fsync, lockTimeout, keep);
  }
}
