package dovetail.proxy.auth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code passdb = passwd-file:/path}: the password is checked against a Dovecot passwd-file. A refusal goes
 * through {@link FailedLogins} (logged without the password, answered after the failure delay).
 */
public final class PasswdFileAuthenticator implements UserPassdb {
  private final PasswdFile file;
  private final FailedLogins failed;
  private final SuccessfulLogins succeeded;

  public PasswdFileAuthenticator(Path file, Duration failureDelay) {
    this(new PasswdFile(file), new FailedLogins(failureDelay), new SuccessfulLogins(LoginListener.NONE));
  }

  PasswdFileAuthenticator(PasswdFile file, FailedLogins failed, SuccessfulLogins succeeded) {
    this.file = file;
    this.failed = failed;
    this.succeeded = succeeded;
  }

  /** Accepted or refused: the file is always there to answer. */
  @Override
  public LoginVerdict verify(String name, String password) {
    Optional<String> stored = file.password(name);
    if (stored.isEmpty()) {
      return failed.refused(name, "unknown user");
    }
    return switch (PasswordSchemes.verify(stored.get(), password)) {
      case MATCH -> succeeded.accepted(name, password, "");
      case MISMATCH -> failed.refused(name, "wrong password");
      case UNSUPPORTED -> failed.refused(name, "unsupported password scheme "
          + PasswordSchemes.schemeOf(stored.get()).orElse("(none)") + " in the passwd-file");
    };
  }
}
