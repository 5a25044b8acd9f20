package dovetail.proxy.mailbox;

import java.util.UUID;
import org.apache.james.mailbox.model.MessageId;

/** A message's GUID as the store knows it (the uidlist `G` value, or the base filename, as Dovecot does). */
public final class StoreMessageId implements MessageId {
  private final String value;

  StoreMessageId(String value) {
    this.value = value;
  }

  @Override
  public String serialize() {
    return value;
  }

  @Override
  public boolean isSerializable() {
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoreMessageId other && other.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }

  /** James asks for ids of messages it is about to store; the store names the file, so a random one will do. */
  public static final class Factory implements MessageId.Factory {
    @Override
    public MessageId fromString(String serialized) {
      return new StoreMessageId(serialized);
    }

    @Override
    public MessageId generate() {
      return new StoreMessageId(UUID.randomUUID().toString().replace("-", ""));
    }
  }
}
