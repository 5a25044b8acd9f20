package dovetail.proxy.mailbox;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.james.events.Event;
import org.apache.james.events.EventBus;
import org.apache.james.events.EventBusName;
import org.apache.james.events.EventListener;
import org.apache.james.events.Group;
import org.apache.james.events.GroupAlreadyRegistered;
import org.apache.james.events.InVMEventBus;
import org.apache.james.events.Registration;
import org.apache.james.events.RegistrationKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * James's InVMEventBus, safe for many sessions of one user at once. InVMEventBus (3.8.1) keeps its key listeners in
 * a synchronized multimap but streams over a key's listeners without that lock, so a SELECT or CLOSE in one session
 * (register, unregister) during an APPEND's announcement in another threw ConcurrentModificationException, after
 * the message was stored: the APPEND was answered NO and a retrying client stored it twice. Here one lock covers
 * register, unregister and the look-up, which InVMEventBus makes in dispatch() itself, before anything is delivered;
 * listeners run outside the lock (one may dispatch or register in turn).
 *
 * <p>A dispatch also never fails: it comes after the change is committed, and each session looks at the folder again
 * on its next command (FolderState), so a lost announcement is logged once and the command is still answered OK.
 */
final class GuardedEventBus implements EventBus {
  private static final Logger LOG = LoggerFactory.getLogger(GuardedEventBus.class);

  private final InVMEventBus bus;
  private final Object keyListeners = new Object();
  private final AtomicInteger registered = new AtomicInteger();

  GuardedEventBus(InVMEventBus bus) {
    this.bus = bus;
  }

  @Override
  public Mono<Registration> register(EventListener.ReactiveEventListener listener, RegistrationKey key) {
    // InVMEventBus adds the listener in register() itself, not on subscription.
    synchronized (keyListeners) {
      registered.incrementAndGet();
      return bus.register(listener, key).map(this::unregisteringUnderLock);
    }
  }

  private Registration unregisteringUnderLock(Registration registration) {
    AtomicBoolean once = new AtomicBoolean();
    // InVMEventBus removes the listener when its Mono is subscribed to, on the subscribing thread.
    return () -> Mono.fromRunnable(() -> {
      synchronized (keyListeners) {
        Mono.from(registration.unregister()).subscribe();
        if (once.compareAndSet(false, true)) {
          registered.decrementAndGet();
        }
      }
    });
  }

  /** Listeners registered for a folder's events now: one per folder selected in a session. */
  int keyRegistrations() {
    return registered.get();
  }

  @Override
  public Registration register(EventListener.ReactiveEventListener listener, Group group)
      throws GroupAlreadyRegistered {
    return bus.register(listener, group);
  }

  @Override
  public Mono<Void> dispatch(Event event, Set<RegistrationKey> keys) {
    return Mono.defer(() -> {
      synchronized (keyListeners) {
        return bus.dispatch(event, keys);
      }
    }).onErrorResume(failure -> {
      LOG.warn("{} for {} was not announced to every session; the change is stored and sessions see it on their"
          + " next command", event.getClass().getSimpleName(), event.getUsername().asString(), failure);
      return Mono.empty();
    });
  }

  @Override
  public Mono<Void> reDeliver(Group group, Event event) {
    return bus.reDeliver(group, event);
  }

  @Override
  public EventBusName eventBusName() {
    return bus.eventBusName();
  }

  @Override
  public Collection<Group> listRegisteredGroups() {
    return bus.listRegisteredGroups();
  }
}
