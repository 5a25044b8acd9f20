package dovetail.migrator.service;

import dovetail.migrator.copy.MigrationState;
import dovetail.migrator.copy.StoredOrigins;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a folder's migration writes into its dovetail-state for {@code status} to read ({@link StatusReader}): the
 * legacy totals when a run starts, what it copied when it completes, why a run could not start. One place, so that
 * the writer's counting matches what status shows.
 */
final class FolderRecords {
  private static final Logger LOG = LoggerFactory.getLogger(FolderRecords.class);

  private FolderRecords() {}

  /**
   * The legacy totals when a migration (re)starts: the legacy messages stored, those still to copy, and those waiting
   * because another program took their UIDs (not in {@code toCopy} until an operator runs the folder).
   */
  static void recordTotals(Mailbox box, long toCopy, long bytesToCopy) {
    StoredOrigins origins = StoredOrigins.of(box.dovetailState());
    Copies stored = Copies.in(box, origins, Long.MAX_VALUE);
    Map<String, String> updates = new HashMap<>();
    updates.put(ServiceState.LEGACY_MESSAGES, Long.toString(stored.messages() + toCopy + origins.waiting()));
    // The waiting messages' sizes are not known here: no total rather than a short one.
    updates.put(ServiceState.LEGACY_BYTES, bytesToCopy < 0 || origins.waiting() > 0 ? null
        : Long.toString(stored.bytes() + bytesToCopy));
    box.updateDovetailState(s -> ServiceState.merged(s, updates));
  }

  /**
   * What the migration put in the store, counted as it completes: the legacy messages (below the legacy UIDNEXT, or
   * moved above it when another program had taken their UIDs). Status shows that, not what the user has left after
   * deleting some here.
   */
  static void recordMigrated(Mailbox box) {
    try {
      Map<String, String> state = box.dovetailState();
      Copies migrated = Copies.in(box, StoredOrigins.of(state), StatusReader.uidNext(state));
      Map<String, String> updates = new HashMap<>();
      updates.put(ServiceState.MIGRATED_MESSAGES, Long.toString(migrated.messages()));
      updates.put(ServiceState.MIGRATED_BYTES, Long.toString(migrated.bytes()));
      box.updateDovetailState(s -> ServiceState.merged(s, updates));
    } catch (RuntimeException e) {
      LOG.warn("{}: cannot record what its migration copied: {}", box.name(), e.toString());
    }
  }

  /** The legacy copies a folder holds ({@link StoredOrigins#migrated}), and their bytes. */
  private record Copies(long messages, long bytes) {
    static Copies in(Mailbox box, StoredOrigins origins, long uidNext) {
      long messages = 0;
      long bytes = 0;
      for (var m : box.messages()) {
        if (origins.migrated(m.uid(), uidNext)) {
          messages++;
          bytes += m.virtualSize();
        }
      }
      return new Copies(messages, bytes);
    }
  }

  /** A run that could not even start (no login) leaves its reason where status finds it. */
  static void recordError(MailStore store, String folder, String reason) {
    try {
      Mailbox box = store.open(folder);
      Map<String, String> updates = new HashMap<>();
      updates.put(MigrationState.ERROR, reason.replaceAll("[\\r\\n\\t]+", " "));
      box.updateDovetailState(s -> ServiceState.merged(s, updates));
    } catch (RuntimeException e) {
      LOG.warn("{}: cannot record the error: {}", folder, e.toString());
    }
  }
}
