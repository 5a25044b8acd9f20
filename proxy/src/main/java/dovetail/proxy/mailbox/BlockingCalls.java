package dovetail.proxy.mailbox;

import io.netty.util.internal.ThreadExecutorMap;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A blocking call (the store's file I/O) as a Mono or Flux that runs on the thread that subscribes, unless that thread
 * must not block (a Netty event loop, a non-blocking Reactor thread): only then is it moved to Reactor's blocking-call
 * threads. Moving every call there deadlocked: James's processors run on those same threads and block on these calls
 * (FETCH's look-up of its messages, StoreMailboxManager.getMailbox), so with each of them waiting, the calls they waited
 * for sat queued behind them, and every IMAP session stopped for good (walk-through 12, T1).
 */
public final class BlockingCalls {
  private BlockingCalls() {}

  public static <T> Mono<T> mono(Callable<T> call) {
    return Mono.defer(() -> {
      Mono<T> mono = Mono.fromCallable(call);
      return mustNotBlock() ? mono.subscribeOn(Schedulers.boundedElastic()) : mono;
    });
  }

  /** {@code flux} is made (which may already read the store) where it is subscribed to, by the same rule. */
  public static <T> Flux<T> flux(Supplier<Flux<T>> flux) {
    return Flux.defer(() -> mustNotBlock() ? Flux.defer(flux).subscribeOn(Schedulers.boundedElastic()) : flux.get());
  }

  /** Whether the current thread is one that serves many connections or tasks and must never wait. */
  static boolean mustNotBlock() {
    return ThreadExecutorMap.currentExecutor() != null || Schedulers.isInNonBlockingThread();
  }
}
