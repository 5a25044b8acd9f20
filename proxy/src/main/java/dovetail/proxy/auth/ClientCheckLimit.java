package dovetail.proxy.auth;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How many password checks of one client address may run at once. A check holds a thread while it waits: on the
 * legacy server (which may slow a guessing address down by up to 15 s, its auth penalty) and through the failure
 * delay. Without a limit, one client sending hundreds of wrong LOGINs held every thread there is, and every other
 * user's login, and the commands of logged-in sessions, waited behind it for minutes (walk-through 6, W1). Beyond the
 * limit a login is answered at once as a temporary failure, unchecked: a client that guesses in parallel gains no
 * guesses, and everybody else keeps the threads.
 */
final class ClientCheckLimit {
  /** Checks of one address at a time; a NAT of many users checks some tens of logins a second within it. */
  static final int PER_CLIENT = 16;

  private final int perClient;
  private final Map<InetAddress, Integer> running = new HashMap<>();

  ClientCheckLimit(int perClient) {
    this.perClient = perClient;
  }

  /** A place for one check of {@code client}'s, or empty when it has {@link #PER_CLIENT} running already. */
  synchronized Optional<Slot> enter(InetAddress client) {
    int now = running.getOrDefault(client, 0);
    if (now >= perClient) {
      return Optional.empty();
    }
    running.put(client, now + 1);
    return Optional.of(() -> leave(client));
  }

  private synchronized void leave(InetAddress client) {
    running.computeIfPresent(client, (c, n) -> n > 1 ? n - 1 : null);
  }

  /** Held while one check runs. */
  @FunctionalInterface
  interface Slot extends AutoCloseable {
    @Override
    void close();
  }
}
