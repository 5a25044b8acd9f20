package dovetail.proxy.mailbox;

import dovetail.migrator.copy.MigrationState;
import java.util.Map;

/**
 * The highest mod-sequence any client can have been shown for a folder, from its {@code dovetail-state}: Dovetail's
 * reserved ceiling ({@value #HIGHEST_KEY}, persisted before a value under it is handed out, so at least every
 * per-message and highest mod-sequence Dovetail reported) and the legacy server's HIGHESTMODSEQ at migration
 * ({@value #LEGACY_KEY}). Dovetail starts above it; so must whoever serves the folder next (RFC 7162: mod-sequences
 * never go down within a UIDVALIDITY).
 */
public final class ModSeqCeiling {
  public static final String HIGHEST_KEY = "modseq.highest";
  public static final String LEGACY_KEY = MigrationState.LEGACY_HIGHESTMODSEQ;

  private ModSeqCeiling() {}

  /** 0 for a folder that neither Dovetail nor a CONDSTORE legacy server gave a mod-sequence. */
  public static long of(Map<String, String> state) {
    return Math.max(number(state.get(HIGHEST_KEY)), number(state.get(LEGACY_KEY)));
  }

  /** A mod-sequence from the state: 0 when absent or not a number. */
  static long number(String value) {
    return Math.max(0, MigrationState.number(value));
  }
}
