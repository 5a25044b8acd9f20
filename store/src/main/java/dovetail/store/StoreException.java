package dovetail.store;

/** The one exception type of the store: a {@link StoreError} plus a message that names the file or folder. */
public final class StoreException extends RuntimeException {
  private final StoreError error;

  public StoreException(StoreError error, String message) {
    super(message);
    this.error = error;
  }

  public StoreException(StoreError error, String message, Throwable cause) {
    super(message, cause);
    this.error = error;
  }

  public StoreError error() {
    return error;
  }
}
