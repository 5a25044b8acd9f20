package dovetail.proxy.auth;

import dovetail.migrator.copy.RetryPolicy;
import dovetail.migrator.source.LegacyException;
import dovetail.store.MailLocation;
import dovetail.store.StoreException;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code passdb = legacy}: the legacy server is the judge of a user's password for as long as it answers.
 *
 * <ol>
 *   <li>A password that the legacy server accepted within the last few minutes ({@link RecentLogins}) is accepted
 *       without asking again.
 *   <li>Otherwise the legacy server is asked ({@link LegacyPasswordCheck}). Yes: accepted, remembered, and a salted
 *       slow hash is stored in the user's Maildir ({@link StoredPasswordHash}) unless the stored one already
 *       matches. No: refused, whatever the stored hash says, since the password may have changed there.
 *   <li>When the legacy server cannot answer (connection refused, timeout, TLS failure, BYE, [UNAVAILABLE]), a
 *       password that matches the stored hash is accepted, and the log says so. Anything else is
 *       {@link LoginVerdict#UNAVAILABLE}, not a refusal, as Dovecot answers a passdb it cannot ask: a user who never
 *       logged in while it answered has no hash, and a password that does not match may be the new one after a
 *       change on the legacy server that the stored hash has not seen. Told "invalid password", clients ask for a
 *       new one or disable the account; told "temporary failure", they keep it and retry.
 * </ol>
 */
final class LegacyAuthenticator implements UserPassdb {
  private static final Logger LOG = LoggerFactory.getLogger(LegacyAuthenticator.class);

  private final LegacyPasswordCheck legacy;
  private final RecentLogins recent;
  private final StoredPasswordHash stored;
  private final FailedLogins failed;
  private final SuccessfulLogins succeeded;
  private final Retry retry;

  /** How often and how far apart a quick failure of the legacy server is asked again. */
  record Retry(int count, Duration interval) {}

  /** A failure later than this is a time-out, not a refusal or a drop. */
  private static final Duration QUICK_FAILURE = Duration.ofSeconds(5);

  LegacyAuthenticator(LegacyPasswordCheck legacy, Retry retry, RecentLogins recent, StoredPasswordHash stored,
      FailedLogins failed, SuccessfulLogins succeeded) {
    this.retry = retry;
    this.legacy = legacy;
    this.recent = recent;
    this.stored = stored;
    this.failed = failed;
    this.succeeded = succeeded;
  }

  @Override
  public LoginVerdict verify(String user, String password) {
    try {
      MailLocation.checkUserName(user);
    } catch (StoreException e) {
      return failed.refused(user, "not a valid user name");
    }
    if (password.isEmpty()) {
      return failed.refused(user, "empty password");
    }
    if (recent.matches(user, password)) {
      return succeeded.accepted(user, password, " (accepted by the legacy server recently)");
    }
    LoginVerdict notAccepted = askLegacy(user, password);
    if (notAccepted != null) {
      return notAccepted;
    }
    if (Thread.currentThread().isInterrupted()) {
      return abandoned(user); // over TLS the interruption does not stop the check: its yes comes for nobody
    }
    recent.remember(user, password);
    keepHash(user, password);
    return succeeded.accepted(user, password, " (checked by the legacy server)");
  }

  /**
   * The legacy server's answer: null when it accepted the password. A quick failure (a connection refused, or dropped
   * at the login: a legacy Dovecot over its process_limit drops it there) is asked again as imapc reconnects
   * ({@code imapc_connection_retry_count}, {@code _interval}; walk-through 18, F1: 12 of 40 first logins were told
   * "temporary failure" while the migrations beside them reconnected), unless the stored hash lets the password in at
   * once; a time-out is not asked again, as it would double a wait that clients already find long (review 23, F2).
   */
  private LoginVerdict askLegacy(String user, String password) {
    for (int attempt = 0; ; attempt++) {
      long began = System.nanoTime();
      try {
        legacy.check(user, password, LoginClient.current());
        return null;
      } catch (LegacyException e) {
        if (e.kind() == LegacyException.Kind.AUTH_FAILED) { // counted and logged even if the client left meanwhile
          return failed.refused(user, "the legacy server refused the password (" + e.getMessage() + ")");
        }
        if (Thread.currentThread().isInterrupted()) {
          // The client went away (or the server stops) while the legacy server was asked: nobody waits for the answer,
          // the legacy server is not down, and the stored hash must not let in a login that nobody will use.
          return abandoned(user);
        }
        boolean quick = System.nanoTime() - began < QUICK_FAILURE.toNanos();
        StoredAnswer byHash = storedAnswer(user, password); // read and hashed once per failure
        if (attempt >= retry.count() || !RetryPolicy.retryable(e) || !quick
            || byHash.result() == PasswordSchemes.Result.MATCH) {
          return fallBack(user, password, e, byHash);
        }
        LOG.info("password check of user {}: {}; asking again in {} ms (imapc_connection_retry_count)", user,
            e.getMessage(), retry.interval().toMillis());
        try {
          Thread.sleep(retry.interval().toMillis());
        } catch (InterruptedException stop) {
          Thread.currentThread().interrupt();
          return abandoned(user);
        }
      }
    }
  }

  /** What the stored hash says of the password; without a result, {@code missing} says why there is none. */
  private record StoredAnswer(PasswordSchemes.Result result, String missing) {}

  private StoredAnswer storedAnswer(String user, String password) {
    try {
      Optional<String> hash = stored.read(user);
      return hash.isEmpty() ? new StoredAnswer(null, "no stored hash")
          : new StoredAnswer(PasswordSchemes.verify(hash.get(), password), null);
    } catch (IOException | StoreException e) {
      return new StoredAnswer(null, "the stored hash cannot be read: " + e.getMessage());
    }
  }

  private static LoginVerdict abandoned(String user) {
    LOG.info("password check of user {} abandoned: the client went away", user);
    return LoginVerdict.UNAVAILABLE;
  }

  /** Only a stored hash that matches can answer for the legacy server; nothing here refuses. */
  private LoginVerdict fallBack(String user, String password, LegacyException why, StoredAnswer byHash) {
    LOG.warn("legacy server unreachable for user {} ({}: {}); checking the password against the stored hash",
        user, why.kind(), why.getMessage());
    if (byHash.result() == null) {
      return failed.unavailable(user, "legacy server unreachable, and " + byHash.missing());
    }
    return switch (byHash.result()) {
      case MATCH -> succeeded.accepted(user, password, " with the stored hash (legacy server unreachable)");
      case MISMATCH -> failed.unavailable(user,
          "legacy server unreachable, and the password does not match the stored hash");
      case UNSUPPORTED -> failed.unavailable(user, "legacy server unreachable, and the stored hash is unreadable");
    };
  }

  /** A failure to write the hash costs only the fallback later; the login itself stands. */
  private void keepHash(String user, String password) {
    try {
      if (stored.verify(user, password) != PasswordSchemes.Result.MATCH) {
        stored.write(user, password);
      }
    } catch (IOException | StoreException e) {
      LOG.warn("user {}: cannot store the password hash for logins while the legacy server is unreachable: {}",
          user, e.getMessage());
    }
  }
}
