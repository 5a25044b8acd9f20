package dovetail.migrator.service;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The keys the service adds to a folder's Dovetail state, beside {@link dovetail.migrator.copy.MigrationState}'s.
 * Everything the service must remember across restarts is here, in the store; nothing is kept elsewhere.
 */
final class ServiceState {
  /** In INBOX's state: when the user's skeleton was last built (ISO-8601). */
  static final String SKELETON_BUILT = "skeleton.built";
  /**
   * In INBOX's state, {@code skeleton.unset.1}, {@code .2}, ...: legacy folders that the last build could not set
   * up. Only they are tried again (by the sweeper and an admin's migrate), so that a folder the user renamed or
   * deleted since is never set up a second time; until then the user is not complete.
   */
  static final String UNSET_PREFIX = "skeleton.unset.";
  /** Messages the legacy folder had when its migration (last) started: those stored plus those still to copy. */
  static final String LEGACY_MESSAGES = "legacy.messages";
  /** Their bytes (RFC822.SIZE of those to copy, stored sizes of the others); absent when the server gave no sizes. */
  static final String LEGACY_BYTES = "legacy.bytes";

  private ServiceState() {}

  /** The legacy folders the last build left without a local twin. */
  static Set<String> unset(Map<String, String> inboxState) {
    Set<String> names = new TreeSet<>();
    inboxState.forEach((k, v) -> {
      if (k.startsWith(UNSET_PREFIX)) {
        names.add(v);
      }
    });
    return names;
  }

  /** {@code existing} after a build at {@code now} that left {@code unset} without a local twin. */
  static Map<String, String> withSkeleton(Map<String, String> existing, Instant now, List<String> unset) {
    Map<String, String> out = new TreeMap<>(existing);
    out.keySet().removeIf(k -> k.startsWith(UNSET_PREFIX));
    out.put(SKELETON_BUILT, now.toString());
    for (int i = 0; i < unset.size(); i++) {
      out.put(UNSET_PREFIX + (i + 1), unset.get(i));
    }
    return out;
  }

  /** {@code existing} with {@code updates} applied; a null value removes its key. */
  static Map<String, String> merged(Map<String, String> existing, Map<String, String> updates) {
    Map<String, String> out = new TreeMap<>(existing);
    updates.forEach((k, v) -> {
      if (v == null) {
        out.remove(k);
      } else {
        out.put(k, v);
      }
    });
    return out;
  }
}
