package dovetail.conf;

/** {@code mail_fsync}: when the store calls fsync. */
public enum FsyncMode {
    OPTIMIZED, ALWAYS, NEVER
}
