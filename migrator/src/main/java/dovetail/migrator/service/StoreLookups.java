package dovetail.migrator.service;

import dovetail.migrator.copy.SkeletonState;
import dovetail.store.MailLocation;
import dovetail.store.MailStore;
import dovetail.store.MailboxPeek;
import java.nio.file.Files;
import java.util.Map;
import java.util.function.Function;

/**
 * Read-only questions about a user's store (hasSkeleton, status, the sweeper's scan, the witness for a master login):
 * they look at {@code mail_location} first, so that a question creates no store, and writes nothing, for a user who
 * has none (a name a client or a spammer made up).
 */
final class StoreLookups {
  private final Function<String, MailStore> stores;
  private final MailLocation location;

  StoreLookups(Function<String, MailStore> stores, MailLocation location) {
    this.stores = stores;
    this.location = location;
  }

  boolean storeExists(String user) {
    return Files.isDirectory(location.rootFor(user));
  }

  /** Whether the user's skeleton was built ({@link SkeletonState#BUILT} in INBOX's state, across restarts). */
  boolean skeletonOnDisk(String user) {
    return SkeletonState.built(inboxState(user));
  }

  /** {@link #skeletonOnDisk}, false for a user whose INBOX state cannot be read (another user's damaged file). */
  boolean readableSkeleton(String user) {
    try {
      return skeletonOnDisk(user);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The legacy folders the user's skeleton could not set up yet, with why (see {@link SkeletonState#UNSET_PREFIX}). */
  Map<String, String> unsetFolders(String user) {
    return SkeletonState.unset(inboxState(user));
  }

  /** INBOX's Dovetail state; empty without a store (none is created for a question, and nothing written). */
  private Map<String, String> inboxState(String user) {
    if (!storeExists(user)) {
      return Map.of();
    }
    return stores.apply(user).peek(MailStore.INBOX).map(MailboxPeek::dovetailState).orElse(Map.of());
  }
}
