package dovetail.migrator.service;

import dovetail.migrator.copy.SkeletonState;
import dovetail.store.MailStore;
import dovetail.store.MailboxPeek;
import java.util.Map;

/**
 * A user's {@link UserStatus} from the store alone, with no server running: what {@code handover} checks before stock
 * Dovecot takes the store over. Writes nothing.
 */
public final class StoredStatus {
  private StoredStatus() {}

  public static UserStatus of(String user, MailStore store) {
    Map<String, String> inbox = store.peek(MailStore.INBOX).map(MailboxPeek::dovetailState).orElse(Map.of());
    boolean listed = SkeletonState.built(inbox) || SkeletonState.localOnly(inbox);
    return StatusReader.read(user, store, listed, SkeletonState.unset(inbox), folder -> null);
  }
}
