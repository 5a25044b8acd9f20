package dovetail.migrator.service;

import dovetail.store.MailStore;

/**
 * A user's {@link UserStatus} from the store alone, with no server running: what {@code handover} checks before stock
 * Dovecot takes the store over. Writes nothing.
 */
public final class StoredStatus {
  private StoredStatus() {}

  public static UserStatus of(String user, MailStore store) {
    return StatusReader.read(user, store, () -> false, folder -> null);
  }
}
