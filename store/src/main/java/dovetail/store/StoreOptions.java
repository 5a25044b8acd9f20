package dovetail.store;

import dovetail.conf.FsyncMode;
import java.time.Duration;

/**
 * How the store writes.
 *
 * @param fsync Dovecot's mail_fsync
 * @param lockTimeout how long to wait for dovecot-uidlist.lock before failing (Dovecot: 122 s)
 */
public record StoreOptions(FsyncMode fsync, Duration lockTimeout) {
  public static final StoreOptions DEFAULT = new StoreOptions(FsyncMode.OPTIMIZED, Duration.ofSeconds(122));

  public StoreOptions withFsync(FsyncMode mode) {
    return new StoreOptions(mode, lockTimeout);
  }
}
