package dovetail.proxy.auth;

import dovetail.migrator.copy.RetryPolicy;
import dovetail.migrator.source.ForwardedClient;
import dovetail.migrator.source.LegacyException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A password check asked again, up to {@code retries} times and {@code interval} apart, while the legacy server cannot
 * answer (a connection dropped, refused or throttled), as imapc reconnects (imapc_connection_retry_count and
 * imapc_connection_retry_interval). A legacy server whose processes are all busy drops a connection for a moment; a
 * first login, with no stored hash to fall back on, was told "temporary failure" at once, while the migrations beside
 * it retried (walk-through 18, F1).
 */
final class RetryingPasswordCheck implements LegacyPasswordCheck {
  private static final Logger LOG = LoggerFactory.getLogger(RetryingPasswordCheck.class);

  private final LegacyPasswordCheck check;
  private final int retries;
  private final Duration interval;

  RetryingPasswordCheck(LegacyPasswordCheck check, int retries, Duration interval) {
    this.check = check;
    this.retries = retries;
    this.interval = interval;
  }

  @Override
  public void check(String user, String password, Optional<ForwardedClient> client) {
    for (int attempt = 0; ; attempt++) {
      try {
        check.check(user, password, client);
        return;
      } catch (LegacyException e) {
        if (!RetryPolicy.retryable(e) || attempt >= retries) {
          throw e;
        }
        LOG.info("password check of user {}: {}; asking again in {} ms (imapc_connection_retry_count)", user,
            e.getMessage(), interval.toMillis());
        try {
          Thread.sleep(interval.toMillis());
        } catch (InterruptedException stop) {
          Thread.currentThread().interrupt(); // the client went away: the caller sees it and answers nobody
          throw e;
        }
      }
    }
  }
}
