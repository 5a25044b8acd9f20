package dovetail.conf;

import java.util.Objects;

/**
 * Dovecot's pop3_migration plugin settings ({@code pop3_migration_*}, usually inside {@code plugin { }}).
 * All switches default to no: UIDL matching fails closed.
 */
public record Pop3MigrationSettings(String mailbox, boolean allMailboxes, boolean ignoreMissingUidls,
                                    boolean ignoreExtraUidls, boolean ignoreInvalidUidls, boolean skipSizeCheck) {
    public Pop3MigrationSettings {
        Objects.requireNonNull(mailbox, "mailbox");
    }
}
