package dovetail.proxy.auth;

import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every refused login gets, whichever passdb refused it: one log line with the user and the reason (never
 * the password), then an answer only after {@code delay}, as Dovecot's auth_failure_delay does, to slow password
 * guessing. James calls authenticators on a thread that may block (LOGIN, and AUTHENTICATE's answer through
 * ImapFrameDecoder, run on James's bounded-elastic blocking-call scheduler), so the delay is a plain sleep.
 */
final class FailedLogins {
  private static final Logger LOG = LoggerFactory.getLogger(FailedLogins.class);

  private final Duration delay;
  private final ClientCheckLimit clients = new ClientCheckLimit(ClientCheckLimit.PER_CLIENT, Clock.systemUTC());

  FailedLogins(Duration delay) {
    this.delay = delay;
  }

  /** The checks running per client address, which learn of each refusal here, before its delay. */
  ClientCheckLimit clients() {
    return clients;
  }

  /** Logs and waits; always false, so that a check can end with {@code return failed.refuse(...)}. */
  boolean refuse(String user, String reason) {
    LOG.warn("authentication failed for user {}: {}", user, reason);
    LoginClient.current().ifPresent(c -> clients.failed(c.remote().getAddress()));
    pause();
    return false;
  }

  /** As {@link #refuse}, for a passdb's {@link UserPassdb#verify}. */
  LoginVerdict refused(String user, String reason) {
    refuse(user, reason);
    return LoginVerdict.REFUSED;
  }

  /**
   * The passdb could not check the password: logged as such, not as a refusal. It waits as a refusal does: Dovecot's
   * auth process puts a temporary failure in the same delayed-failure queue (auth-request-handler.c,
   * auth_request_handle_failure), and without it a client retrying at once would hammer an outage.
   */
  LoginVerdict unavailable(String user, String reason) {
    LOG.warn("temporary authentication failure for user {}: {}", user, reason);
    pause();
    return LoginVerdict.UNAVAILABLE;
  }

  private void pause() {
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
