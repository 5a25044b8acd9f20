package dovetail.proxy.auth;

import org.apache.james.core.Username;
import org.apache.james.mailbox.Authenticator;

/** The users' passdb ({@code passwd-file} or {@code legacy}): checks a user's own password, never a master user's. */
interface UserPassdb extends Authenticator {
  /** Logs the outcome (never the password) and, unless accepted, waits out the failure delay first. */
  LoginVerdict verify(String user, String password);

  /**
   * James's yes-or-no question. Dovetail's logins ask {@link #verify} ({@link MasterLoginSessions}); this is left
   * for James's own callers, where a passdb that cannot answer can only be a no.
   */
  @Override
  default boolean isAuthentic(Username user, CharSequence password) {
    return verify(user.asString(), password.toString()) == LoginVerdict.ACCEPTED;
  }
}
