package dovetail.proxy.auth;

import java.util.Optional;
import org.apache.james.core.Username;

/**
 * Dovecot's master login name, {@code user*master} ({@code auth_master_user_separator}), split at the first
 * separator as Dovecot does (auth-request-fields.c). Split where the client's words are read (IMAP LOGIN, POP3 USER)
 * as well as in {@link MasterLoginSessions}: James holds a login name as a Username, which cannot hold
 * {@code erin@example.org*master} (the domain would be {@code example.org*master}), so such a LOGIN was a syntax error
 * (walk-through 6, W3).
 */
public final class MasterLoginName {
  /** The user logged in as, and the master user whose password is given, as the client wrote them. */
  public record Parts(String user, String master) {
    /** Both as James names users (which may refuse one: IllegalArgumentException). */
    public Username userName() {
      return Username.of(user);
    }

    public Username masterName() {
      return Username.of(master);
    }
  }

  private final String separator;

  /** @param separator auth_master_user_separator, one character, or "" for none */
  public MasterLoginName(String separator) {
    this.separator = separator;
  }

  /** The two names, when {@code given} holds the separator with a name on each side; empty otherwise. */
  public Optional<Parts> split(String given) {
    int at = separator.isEmpty() ? -1 : given.indexOf(separator);
    if (at <= 0 || at == given.length() - 1) {
      return Optional.empty();
    }
    return Optional.of(new Parts(given.substring(0, at), given.substring(at + 1)));
  }

  /** Whether {@code given} holds the separator at all (a master login, or nothing). */
  boolean named(String given) {
    return !separator.isEmpty() && given.contains(separator);
  }
}
