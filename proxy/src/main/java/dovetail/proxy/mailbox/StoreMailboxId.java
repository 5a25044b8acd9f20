package dovetail.proxy.mailbox;

import org.apache.james.mailbox.model.MailboxId;

/**
 * A folder's identity inside this process. The store keeps no id that survives a rename and is unique
 * (the uidlist GUID is copied along with a folder), so ids are handed out per process by {@link UserMailboxes}
 * and follow a folder through renames made here. Nothing persists them.
 */
public final class StoreMailboxId implements MailboxId {
  /** The id of a folder that does not exist: a missing parent listed as \Noselect. No folder has it. */
  static final StoreMailboxId NONE = new StoreMailboxId(0);

  private final long value;

  StoreMailboxId(long value) {
    this.value = value;
  }

  long value() {
    return value;
  }

  @Override
  public String serialize() {
    return Long.toString(value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoreMailboxId other && other.value == value;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(value);
  }

  @Override
  public String toString() {
    return "mailbox#" + value;
  }

  /** Parses serialized ids; an id that was never handed out simply finds no folder. */
  public static final class Factory implements MailboxId.Factory {
    @Override
    public MailboxId fromString(String serialized) {
      try {
        return new StoreMailboxId(Long.parseLong(serialized));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a Dovetail mailbox id: " + serialized, e);
      }
    }
  }
}
