package dovetail.migrator.copy;

/** A message the legacy server would not deliver: its UID and why. */
public record Undeliverable(long uid, String reason) {
  @Override
  public String toString() {
    return "UID " + uid + ": " + reason;
  }
}
