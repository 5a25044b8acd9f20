package dovetail.proxy.server;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's open-files limit, told at start when it is low: each IMAP, POP3 or LMTP connection takes a descriptor,
 * and beyond the limit a new client gets no greeting (walk-through 9, W9; Dovecot's master warns at start too).
 */
final class OpenFilesLimit {
  private static final Logger LOG = LoggerFactory.getLogger(OpenFilesLimit.class);
  /** Below this, a few hundred clients and the store's files can use it up. */
  static final long LOW = 1024;

  private OpenFilesLimit() {}

  static void warnIfLow() {
    OptionalLong max = max();
    if (max.isPresent() && max.getAsLong() < LOW) {
      LOG.warn("the open files limit (ulimit -n) is {}: each connection takes one, and beyond it new clients get no"
          + " greeting; raise it to at least {} (for example LimitNOFILE=65536 in a systemd unit)", max.getAsLong(), LOW);
    }
  }

  /** The limit the JVM runs under (it raises the soft limit to the hard one at start), where the platform says. */
  static OptionalLong max() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof UnixOperatingSystemMXBean unix ? OptionalLong.of(unix.getMaxFileDescriptorCount())
        : OptionalLong.empty();
  }
}
