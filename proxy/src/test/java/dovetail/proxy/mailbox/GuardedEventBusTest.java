package dovetail.proxy.mailbox;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.MailStore;
import dovetail.store.StoreOptions;
import dovetail.store.maildir.MaildirStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.james.events.EventBus;
import org.apache.james.events.EventListener;
import org.apache.james.events.Registration;
import org.apache.james.events.RegistrationKey;
import org.apache.james.mailbox.Authorizator;
import org.apache.james.mailbox.events.MailboxIdRegistrationKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * The event bus MailboxBackend makes, as several IMAP sessions of one user use it at once: SELECT and CLOSE register
 * and unregister a folder's listener while APPENDs in other sessions announce new messages to that folder. James's
 * InVMEventBus looked the listeners up without its lock, so a dispatch could throw ConcurrentModificationException
 * after the message was stored, and the APPEND was answered NO (walk-through 11, W3).
 */
class GuardedEventBusTest {
  /** Sessions that keep the folder selected throughout: a longer listener set makes each look-up take longer. */
  private static final int SELECTED_SESSIONS = 64;
  private static final int SELECTING_THREADS = 2;
  private static final int APPENDING_THREADS = 2;
  private static final int DISPATCHES_PER_THREAD = 1_000;

  @TempDir Path root;

  @Test
  void dispatchNeverFailsWhileOtherSessionsSelectAndCloseTheFolder() throws Exception {
    EventBus bus = backend().eventBus();
    RegistrationKey folder = new MailboxIdRegistrationKey(new StoreMailboxId(7));
    AtomicInteger delivered = new AtomicInteger();
    for (int i = 0; i < SELECTED_SESSIONS; i++) {
      Mono.from(bus.register(counting(delivered), folder)).block();
    }
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch appendsDone = new CountDownLatch(APPENDING_THREADS);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < SELECTING_THREADS; i++) {
      threads.add(new Thread(() -> {
        while (appendsDone.getCount() > 0 && failure.get() == null) {
          Registration selected = Mono.from(bus.register(counting(delivered), folder)).block();
          Mono.from(selected.unregister()).block();
        }
      }, "select-close-" + i));
    }
    for (int i = 0; i < APPENDING_THREADS; i++) {
      threads.add(new Thread(() -> {
        try {
          for (int n = 0; n < DISPATCHES_PER_THREAD && failure.get() == null; n++) {
            bus.dispatch(new AnyEvent(), Set.of(folder)).block();
          }
        } catch (RuntimeException e) {
          failure.compareAndSet(null, e);
        } finally {
          appendsDone.countDown();
        }
      }, "append-" + i));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }

    assertNull(failure.get(), () -> "a dispatch failed while sessions selected and closed: " + failure.get());
    assertTrue(delivered.get() >= APPENDING_THREADS * DISPATCHES_PER_THREAD * SELECTED_SESSIONS,
        "every session that kept the folder selected heard every append");
  }

  @Test
  void aDispatchThatFailsAfterTheCommitCompletesSoTheCommandIsStillAnsweredOk() throws Exception {
    EventBus bus = backend().eventBus();
    Mono.from(bus.register(counting(new AtomicInteger()), new MailboxIdRegistrationKey(new StoreMailboxId(7)))).block();

    // StoreMessageManager announces an APPEND after its commit, inside the APPEND's Mono: a failure here was the NO.
    bus.dispatch(new AnyEvent(), Set.of(new UnreadableKey())).block();
  }

  private MailboxBackend backend() throws Exception {
    MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT);
    return MailboxBackend.create(user -> store, (user, password) -> false,
        (self, other) -> Authorizator.AuthorizationState.FORBIDDEN, Clock.systemUTC());
  }

  private static EventListener.ReactiveEventListener counting(AtomicInteger delivered) {
    return event -> Mono.fromRunnable(delivered::incrementAndGet);
  }

  /** A fault for the bus's look-up of listeners, standing for any failure in a dispatch (as the race above was). */
  private static final class UnreadableKey implements RegistrationKey {
    @Override
    public String asString() {
      return "unreadable";
    }

    @Override
    public int hashCode() {
      throw new IllegalStateException("injected: listeners for this key cannot be looked up");
    }

    @Override
    public boolean equals(Object other) {
      return other == this;
    }
  }

}
