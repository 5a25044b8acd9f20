package dovetail.proxy.auth;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Dovecot's {@code mail_max_userip_connections}: at most so many sessions of one user from one address, counted per
 * listener (IMAP, IMAPS, POP3 and POP3S each on its own; Dovecot counts per protocol). Without it one client, or one
 * leaked password, could hold every file descriptor of the process (walk-through 19, F5: 500 sessions of one user
 * from one address were accepted).
 */
final class UserIpSessions {
  /** Dovecot's words, with its setting named. */
  static final String TEXT = "Maximum number of connections from user+IP exceeded (mail_max_userip_connections=%d)";

  private final int max;
  private final Map<String, Integer> open = new ConcurrentHashMap<>();

  /** @param max sessions per user and address; 0 for no limit */
  UserIpSessions(int max) {
    this.max = max;
  }

  /** The session's place, given back by running what this returns (once); empty when the limit is reached. */
  Optional<Runnable> open(String user, InetAddress address, int listenerPort) {
    if (max == 0) {
      return Optional.of(() -> { });
    }
    String key = user + '\0' + address.getHostAddress() + '\0' + listenerPort;
    boolean[] admitted = {false};
    open.compute(key, (k, n) -> {
      int now = n == null ? 0 : n;
      admitted[0] = now < max;
      return admitted[0] ? now + 1 : n;
    });
    if (!admitted[0]) {
      return Optional.empty();
    }
    AtomicBoolean released = new AtomicBoolean();
    return Optional.of(() -> {
      if (released.compareAndSet(false, true)) {
        open.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
      }
    });
  }

  String refusal() {
    return String.format(java.util.Locale.ROOT, TEXT, max);
  }
}
