package dovetail.proxy.auth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.james.core.Username;
import org.apache.james.mailbox.Authenticator;

/**
 * {@code passdb = passwd-file:/path}: the password is checked against a Dovecot passwd-file. A refusal goes
 * through {@link FailedLogins} (logged without the password, answered after the failure delay).
 */
public final class PasswdFileAuthenticator implements Authenticator {
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

  @Override
  public boolean isAuthentic(Username user, CharSequence password) {
    String name = user.asString();
    Optional<String> stored = file.password(name);
    if (stored.isEmpty()) {
      return failed.refuse(name, "unknown user");
    }
    return switch (PasswordSchemes.verify(stored.get(), password.toString())) {
      case MATCH -> succeeded.accept(name, password.toString(), "");
      case MISMATCH -> failed.refuse(name, "wrong password");
      case UNSUPPORTED -> failed.refuse(name, "unsupported password scheme "
          + PasswordSchemes.schemeOf(stored.get()).orElse("(none)") + " in the passwd-file");
    };
  }
}
