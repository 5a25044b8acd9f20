package dovetail.proxy.auth;

import dovetail.migrator.source.ForwardedClient;
import java.util.Optional;

/**
 * The client connection whose password is being checked. James asks its Authenticator only
 * {@code isAuthentic(user, password)}, so the front-ends (IMAP LOGIN and AUTHENTICATE, POP3 PASS and AUTH) name the
 * connection around their synchronous authentication call, on its thread; {@code passdb = legacy} then tells the
 * legacy server whose login it checks ({@link LegacyPasswordCheck}).
 */
public final class LoginClient {
  private static final ThreadLocal<ForwardedClient> CURRENT = new ThreadLocal<>();
  /** Whether a login on this thread may wait for its client's turn ({@link ClientCheckLimit}). */
  private static final ThreadLocal<Boolean> MAY_WAIT = new ThreadLocal<>();

  private LoginClient() {}

  /** Until the scope is closed, logins on this thread are {@code client}'s (null: unknown). */
  public static Scope of(ForwardedClient client) {
    ForwardedClient before = CURRENT.get();
    CURRENT.set(client);
    return () -> {
      if (before == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(before);
      }
    };
  }

  static Optional<ForwardedClient> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /**
   * Until the scope is closed, a login on this thread may wait for its client's turn: for threads kept for logins
   * (IMAP's), not for a pool that also serves logged-in sessions (POP3's), which a waiting client would hold.
   */
  public static Scope mayWait() {
    MAY_WAIT.set(Boolean.TRUE);
    return MAY_WAIT::remove;
  }

  static boolean waitingAllowed() {
    return Boolean.TRUE.equals(MAY_WAIT.get());
  }

  /** Ends what {@link #of} began. */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
