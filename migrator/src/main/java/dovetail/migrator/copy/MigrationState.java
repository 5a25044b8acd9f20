package dovetail.migrator.copy;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The keys this package writes into a folder's {@link dovetail.store.Mailbox#dovetailState()}, and the
 * folder's migration state. Writers merge: they replace their own keys and keep every other key.
 *
 * <p>The last committed UID is a key of {@link ForeignWrites}: the store's next UID is not the resume point,
 * as another program writing the folder during its migration moves it too.
 */
public final class MigrationState {
  /** {@link FolderState} in lower case. */
  public static final String STATE = "migration.state";
  /** The folder's name on the legacy server, exactly as LIST sent it (one char per octet). */
  public static final String LEGACY_NAME = "legacy.name";
  /** The legacy hierarchy separator (one char; empty when the server has none). */
  public static final String LEGACY_SEPARATOR = "legacy.separator";
  /** The legacy UIDVALIDITY the local folder was created with; a migration refuses any other. */
  public static final String LEGACY_UIDVALIDITY = "legacy.uidvalidity";
  /** The RFC 6154 special-use attribute LIST reported (e.g. {@code \Sent}); absent when none. */
  public static final String LEGACY_SPECIAL_USE = "legacy.specialuse";
  /**
   * The legacy UIDNEXT when the skeleton set the folder up: the UIDs its UIDVALIDITY had given out by then, which a
   * folder migrated empty under that UIDVALIDITY must not give out again.
   */
  public static final String SETUP_UIDNEXT = "legacy.setup.uidnext";
  /** The legacy UIDNEXT when the folder completed (the local NEXTUID was raised to it). */
  public static final String LEGACY_UIDNEXT = "legacy.uidnext";
  /** The legacy HIGHESTMODSEQ when the folder completed (0: no CONDSTORE); the front-end starts above it. */
  public static final String LEGACY_HIGHESTMODSEQ = "legacy.highestmodseq";
  /** The UID at which the folder stopped because the source could not deliver it; retried next run. */
  public static final String FAILED_UID = "migration.failed.uid";
  /** Why that message could not be copied. */
  public static final String FAILED_REASON = "migration.failed.reason";
  /** Why the last run did not complete the folder (legacy unavailable, UIDVALIDITY changed, ...). */
  public static final String ERROR = "migration.error";
  /** Prefix of {@code migration.skipped.<uid>=<reason>}: messages given up with the operator's consent. */
  public static final String SKIPPED_PREFIX = "migration.skipped.";
  /**
   * After {@code SKIPPED_PREFIX + uid}: {@code .duplicate.N}, the N-th other message a broken legacy server listed
   * under that UID (skipped; the UID's first message is copied). Counted as skipped, but the UID is not given up.
   */
  public static final String DUPLICATE_INFIX = ".duplicate.";
  /** When the state last changed (ISO-8601 instant). */
  public static final String UPDATED = "migration.updated";
  /** Flag or keyword instances that Maildir could not hold and that were not copied (all runs). */
  public static final String FLAGS_DROPPED = "migration.flags.dropped";
  /** Their names (the first few), space-separated. */
  public static final String FLAGS_DROPPED_NAMES = "migration.flags.dropped.names";

  private MigrationState() {}

  /** A state value as a number: -1 when it is absent or not a number (a hand-edited or damaged file). */
  public static long number(String value) {
    try {
      return value == null ? -1 : Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Where a folder's migration stands. */
  public enum FolderState {
    /** Created by the skeleton with the legacy UIDVALIDITY; no message copied yet. */
    PENDING,
    /** A run is copying it (or was killed while doing so): resume after the store's last UID. */
    MIGRATING,
    /** A run ended with some messages copied and more to do (see {@link #FAILED_UID}, {@link #ERROR}). */
    PARTIAL,
    /** Every message copied, NEXTUID = the legacy UIDNEXT. The store is the master from now on. */
    COMPLETE,
    /** Stopped for a reason a rerun alone will not fix (the legacy UIDVALIDITY changed, folder gone). */
    FAILED;

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The state in a folder's Dovetail state; empty when the folder was never set up for migration. */
    public static Optional<FolderState> of(Map<String, String> state) {
      String v = state.get(STATE);
      if (v == null) {
        return Optional.empty();
      }
      try {
        return Optional.of(valueOf(v.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
  }

  /** A copy of {@code existing} with {@code updates} applied; a null value removes that key. */
  static Map<String, String> merge(Map<String, String> existing, Map<String, String> updates) {
    Map<String, String> merged = new TreeMap<>(existing);
    for (Map.Entry<String, String> e : updates.entrySet()) {
      if (e.getValue() == null) {
        merged.remove(e.getKey());
      } else {
        merged.put(e.getKey(), e.getValue());
      }
    }
    return merged;
  }

  /** State values are single lines; reasons from servers are not. */
  static String oneLine(String text) {
    String s = text == null ? "" : text.replaceAll("[\\r\\n\\t]+", " ").trim();
    return s.length() > 500 ? s.substring(0, 500) + "..." : s;
  }
}
