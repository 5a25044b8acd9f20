package dovetail.migrator.service;

import java.util.Map;
import java.util.TreeMap;

/**
 * The keys the service adds to a folder's Dovetail state, beside {@link dovetail.migrator.copy.MigrationState}'s (and
 * INBOX's {@link dovetail.migrator.copy.SkeletonState}). Everything the service must remember across restarts is in
 * the store; nothing is kept elsewhere.
 */
final class ServiceState {
  /** Messages the legacy folder had when its migration (last) started: those stored plus those still to copy. */
  static final String LEGACY_MESSAGES = "legacy.messages";
  /** Their bytes (RFC822.SIZE of those to copy, stored sizes of the others); absent when the server gave no sizes. */
  static final String LEGACY_BYTES = "legacy.bytes";
  /**
   * The legacy messages in the store when the folder's migration completed (below the legacy UIDNEXT), and their
   * bytes: what the migration did, whatever the user deletes here afterwards.
   */
  static final String MIGRATED_MESSAGES = "legacy.messages.migrated";
  static final String MIGRATED_BYTES = "legacy.bytes.migrated";

  private ServiceState() {}

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
