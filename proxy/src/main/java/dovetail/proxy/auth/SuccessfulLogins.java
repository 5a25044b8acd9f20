package dovetail.proxy.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every accepted login of a user (with the user's own password) gets: a log line and the {@link LoginListener},
 * which then hears of the end of its session too.
 */
final class SuccessfulLogins {
  private static final Logger LOG = LoggerFactory.getLogger(SuccessfulLogins.class);

  private final LoginListener listener;

  SuccessfulLogins(LoginListener listener) {
    this.listener = listener;
  }

  /**
   * @param how "" or a note for the log, e.g. " (legacy server unreachable: stored hash)"
   * @return true, so that a check can end with {@code return succeeded.accept(...)}
   */
  boolean accept(String user, String password, String how) {
    LOG.info("user {} logged in{}", user, how);
    try {
      listener.loggedIn(user, password);
    } catch (RuntimeException e) {
      // The exception's text is not logged: a listener might have put the password in it.
      LOG.warn("the login listener failed for user {} ({}); the login stands", user, e.getClass().getName());
    }
    return true;
  }

  /** The session of a login {@link #accept} reported has ended ({@link LoginSessionEnd}). */
  void ended(String user) {
    try {
      listener.loggedOut(user);
    } catch (RuntimeException e) {
      LOG.warn("the login listener failed at the session end of user {}: {}", user, e.toString());
    }
  }

  /** As {@link #accept}, for a passdb's {@link UserPassdb#verify}. */
  LoginVerdict accepted(String user, String password, String how) {
    accept(user, password, how);
    return LoginVerdict.ACCEPTED;
  }
}
