package dovetail.proxy.auth;

/**
 * Told about every successful login of a user with that user's own password (never a master user's), so that
 * the server can hand the password, in memory only, to the migration service that logs in to the legacy server
 * for this user. It runs on the login's thread before the client gets its OK: it must be quick and must not
 * keep or log the password anywhere but in memory. What it throws is logged and does not fail the login.
 */
@FunctionalInterface
public interface LoginListener {
  LoginListener NONE = (user, password) -> { };

  void loggedIn(String user, String password);

  /**
   * The session of a login this listener heard of has ended (logout, a dropped connection, a timeout, or a login
   * whose session could not be set up): once per {@link #loggedIn}, on the thread that saw the end.
   */
  default void loggedOut(String user) {
  }
}
