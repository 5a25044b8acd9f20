package dovetail.migrator.service;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The witness logins that check a refused master login ({@link LegacyLoginCheck}), shared by concurrent refusals
 * (review 11, F5): each refusal cost one login as the same real user, so spam to unknown addresses (LMTP tries up to
 * four names per recipient) took that user's connection slots on the legacy server. A refusal may use a witness login
 * only if that login began after the refused one was sent: one that began earlier proves nothing about it, the master
 * password may have changed in between (walk-through 11, W4). So nothing is kept for a time: a refusal uses the latest
 * witness login of its master user (running or done) when that began after it, else it waits for the running one to
 * end and takes the next, which the refusals that waited with it share.
 *
 * @param <T> what a witness login shows
 */
final class WitnessLogins<T> {
  /** One witness login: when it began ({@link System#nanoTime()}), as whom, and what it shows. */
  private record Login<T>(long began, String witness, CompletableFuture<T> result) {}

  /** The latest witness login per master user (imapc_master_user may name one per domain); guarded by this. */
  private final Map<Optional<String>, Login<T>> latest = new HashMap<>();

  /**
   * What a witness login that began after {@code refusalSent} shows: the latest one of {@code master} when it did,
   * else this caller's own, as {@code witness}.
   *
   * @param user the refused user, who is no witness for itself
   * @param refusalSent {@link System#nanoTime()} when the refused login was sent
   * @param login logs in as the witness it is given
   */
  T check(Optional<String> master, String user, long refusalSent, String witness, Function<String, T> login) {
    Login<T> mine;
    while (true) {
      Login<T> running;
      synchronized (this) {
        Login<T> last = latest.get(master);
        if (last != null && last.began() - refusalSent > 0 && !last.witness().equals(user)) {
          return await(last.result());
        }
        if (last == null || last.result().isDone()) {
          mine = new Login<>(System.nanoTime(), witness, new CompletableFuture<>());
          latest.put(master, mine);
          break;
        }
        running = last;
      }
      running.result().handle((v, t) -> null).join(); // it began too early for this refusal: the next one will not
    }
    try {
      T shown = login.apply(witness);
      mine.result().complete(shown);
      return shown;
    } catch (RuntimeException | Error e) {
      mine.result().completeExceptionally(e);
      throw e;
    }
  }

  private static <T> T await(CompletableFuture<T> result) {
    try {
      return result.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }
}
