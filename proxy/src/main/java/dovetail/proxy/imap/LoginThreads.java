package dovetail.proxy.imap;

import dovetail.proxy.auth.LoginClient;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.james.util.ReactorUtils;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The threads password checks run on (LOGIN, AUTHENTICATE and its answer line), apart from James's blocking-call
 * scheduler, which has ten threads per core and runs the commands of every logged-in session. A check may wait
 * seconds (the legacy server, the failure delay); on James's threads, a client flooding wrong LOGINs stalled the
 * NOOPs and SELECTs of everybody else (walk-through 6, W1). Each client address holds at most 16 of these threads
 * checking and 64 waiting their turn, and the waiters of all addresses at most half of them ({@code ClientCheckLimit}
 * in the passdb, which lets logins wait only on these threads), so many clients must flood together to fill them.
 */
final class LoginThreads {
  /** Made when needed and gone after a minute of idleness, so a large cap costs nothing in quiet times. */
  private static final int THREADS = 256;
  static final Scheduler SCHEDULER = Schedulers.newBoundedElastic(THREADS, 100_000, "dovetail-login", 60, true);

  private LoginThreads() {}

  /** {@code work} on these threads, with the command's logging context, as James runs a processor's request. */
  static Mono<Void> run(Runnable work) {
    return Mono.deferContextual(context -> Mono.fromRunnable(() -> {
      try (Closeable mdc = ReactorUtils.retrieveMDCBuilder(context).build();
          LoginClient.Scope waits = LoginClient.mayWait()) {
        work.run();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    })).subscribeOn(SCHEDULER).then();
  }
}
