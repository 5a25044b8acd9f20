package dovetail.proxy.mailbox;

import org.apache.james.core.Username;
import org.apache.james.events.Event;

/** The smallest event that is not a no-op, for tests of what carries events rather than what they say. */
public final class AnyEvent implements Event {
  private final EventId id = EventId.random();

  @Override
  public Username getUsername() {
    return Username.of("alice");
  }

  @Override
  public boolean isNoop() {
    return false;
  }

  @Override
  public EventId getEventId() {
    return id;
  }
}
