package dovetail.migrator.service;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The users with a session now, counted per login ({@link Migrations#loggedIn} and {@link Migrations#loggedOut}
 * come in pairs), and the password held for them ({@link LegacyLogins}) while a session lasts.
 */
final class UserSessions {
  private final LegacyLogins logins;
  private final Map<String, Integer> sessions = new ConcurrentHashMap<>();

  UserSessions(LegacyLogins logins) {
    this.logins = logins;
  }

  /** The session count and the password held for it change together (one user's at a time: the map's lock). */
  void opened(String user, Optional<String> password) {
    sessions.compute(user, (u, n) -> {
      password.ifPresent(p -> logins.remember(u, p));
      return n == null ? 1 : n + 1;
    });
  }

  void closed(String user) {
    sessions.computeIfPresent(user, (u, n) -> {
      if (n > 1) {
        return n - 1;
      }
      logins.sessionsEnded(u);
      return null;
    });
  }

  boolean has(String user) {
    return sessions.containsKey(user);
  }

  Set<String> users() {
    return Set.copyOf(sessions.keySet());
  }
}
