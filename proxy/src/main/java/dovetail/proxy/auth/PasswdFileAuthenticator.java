package dovetail.proxy.auth;

import java.time.Duration;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.james.core.Username;
import org.apache.james.mailbox.Authenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code passdb = passwd-file:/path}. A failed login is logged (user and reason, never the password) and answered
 * only after {@code failureDelay}, as Dovecot's auth_failure_delay does, to slow password guessing. James calls
 * this on a thread that may block (LOGIN runs on Reactor's bounded-elastic scheduler, AUTHENTICATE on the
 * server's handler executor), so the delay is a plain sleep.
 */
public final class PasswdFileAuthenticator implements Authenticator {
  private static final Logger LOG = LoggerFactory.getLogger(PasswdFileAuthenticator.class);

  private final PasswdFile file;
  private final Duration failureDelay;

  public PasswdFileAuthenticator(Path file, Duration failureDelay) {
    this.file = new PasswdFile(file);
    this.failureDelay = failureDelay;
  }

  @Override
  public boolean isAuthentic(Username user, CharSequence password) {
    Optional<String> stored = file.password(user.asString());
    if (stored.isEmpty()) {
      return fail(user, "unknown user");
    }
    return switch (PasswordSchemes.verify(stored.get(), password.toString())) {
      case MATCH -> {
        LOG.info("user {} logged in", user.asString());
        yield true;
      }
      case MISMATCH -> fail(user, "wrong password");
      case UNSUPPORTED -> fail(user, "unsupported password scheme "
          + PasswordSchemes.schemeOf(stored.get()).orElse("(none)") + " in the passwd-file");
    };
  }

  private boolean fail(Username user, String reason) {
    LOG.warn("authentication failed for user {}: {}", user.asString(), reason);
    try {
      Thread.sleep(failureDelay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }
}
