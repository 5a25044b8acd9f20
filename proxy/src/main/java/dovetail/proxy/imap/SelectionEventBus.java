package dovetail.proxy.imap;

import java.util.Collection;
import java.util.Set;
import org.apache.james.events.Event;
import org.apache.james.events.EventBus;
import org.apache.james.events.EventBusName;
import org.apache.james.events.EventListener;
import org.apache.james.events.Group;
import org.apache.james.events.GroupAlreadyRegistered;
import org.apache.james.events.Registration;
import org.apache.james.events.RegistrationKey;
import org.apache.james.imap.processor.base.SelectedMailboxImpl;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * The event bus as James's IMAP processors see it. SELECT and EXAMINE still build James's SelectedMailboxImpl and
 * register it for the folder's events; {@link FolderViewSession} puts a {@link FolderView} in its place at once,
 * so that registration is not made: listening, it would keep a second, drifting copy of the view for nothing.
 */
final class SelectionEventBus implements EventBus {
  private static final Registration NONE = Mono::empty;

  private final EventBus bus;

  SelectionEventBus(EventBus bus) {
    this.bus = bus;
  }

  @Override
  public Publisher<Registration> register(EventListener.ReactiveEventListener listener, RegistrationKey key) {
    if (listener instanceof SelectedMailboxImpl) {
      return Mono.just(NONE);
    }
    return bus.register(listener, key);
  }

  @Override
  public Registration register(EventListener.ReactiveEventListener listener, Group group)
      throws GroupAlreadyRegistered {
    return bus.register(listener, group);
  }

  @Override
  public Mono<Void> dispatch(Event event, Set<RegistrationKey> keys) {
    return bus.dispatch(event, keys);
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
