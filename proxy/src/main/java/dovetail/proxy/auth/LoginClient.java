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

  /** Ends what {@link #of} began. */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
