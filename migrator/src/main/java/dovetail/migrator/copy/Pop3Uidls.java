package dovetail.migrator.copy;

import dovetail.migrator.source.LegacyImapSession;
import dovetail.migrator.source.LegacyMessageInfo;
import java.util.List;
import java.util.Map;

/**
 * Where a folder's POP3 UIDLs and POP3 order come from while it migrates (Dovecot's pop3_migration plugin).
 * {@link #NONE} when no legacy POP3 server is configured.
 */
public interface Pop3Uidls {
  /** A message's POP3 identity: stored as the uidlist's P and O. */
  record Uidl(String uidl, long order) {}

  /** The matching cannot be trusted; the folder must not be migrated without an operator's decision. */
  final class MismatchException extends RuntimeException {
    public MismatchException(String message) {
      super(message);
    }
  }

  Pop3Uidls NONE = new Pop3Uidls() {
    @Override
    public boolean appliesTo(String folder) {
      return false;
    }

    @Override
    public Map<Long, Uidl> assign(LegacyImapSession session, String legacyName, List<LegacyMessageInfo> all) {
      return Map.of();
    }
  };

  /** True for the folders whose messages get UIDLs (INBOX, or all with pop3_migration_all_mailboxes). */
  boolean appliesTo(String folder);

  /**
   * UIDLs by IMAP UID for the folder's messages. The IMAP work is done on {@code session} first; the POP3
   * session opens only after it.
   *
   * @throws MismatchException when messages cannot be matched and the ignore switches do not allow it
   */
  Map<Long, Uidl> assign(LegacyImapSession session, String legacyName, List<LegacyMessageInfo> all);
}
