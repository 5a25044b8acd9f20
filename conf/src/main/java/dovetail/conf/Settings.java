package dovetail.conf;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything Dovetail reads from its configuration, typed and validated. Immutable.
 * Load it with {@link ConfigLoader}.
 *
 * @param masterUsers    {@code master_passdb} and {@code auth_master_user_separator}: who may log in as any user
 * @param pop3UidlFormat {@code pop3_uidl_format}: UIDLs for messages that have none from the legacy server
 * @param pop3           how POP3 changes the maildrop ({@code pop3_deleted_flag}, {@code pop3_no_flag_updates})
 * @param recipientDelimiter {@code recipient_delimiter}: characters that start an address's detail
 *                       ({@code user+news@}), stripped to find the LMTP recipient as Dovecot does; empty: none
 * @param authFailureDelay {@code auth_failure_delay}: how long a refused login waits before its answer
 * @param maxUserIpConnections {@code mail_max_userip_connections}: sessions of one user from one address, per
 *                       protocol (IMAP, POP3); 0 for no limit
 * @param adminSocket    {@code admin_socket}: the admin endpoint's Unix domain socket
 * @param warnings       one line each, "file:line: ignored: ...", in file order
 */
public record Settings(ImapcSettings imapc, Pop3cSettings pop3c, Pop3MigrationSettings pop3Migration,
                       MigrationSettings migration, StoreSettings store, ListenerSettings listeners,
                       TlsSettings tls, Passdb passdb, MasterUsers masterUsers, SweeperSettings sweeper, Path adminSocket,
                       String pop3UidlFormat, Pop3Settings pop3, String recipientDelimiter,
                       Duration authFailureDelay, int maxUserIpConnections, List<String> warnings) {
    public Settings {
        Objects.requireNonNull(imapc, "imapc");
        Objects.requireNonNull(pop3c, "pop3c");
        Objects.requireNonNull(pop3Migration, "pop3Migration");
        Objects.requireNonNull(migration, "migration");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(listeners, "listeners");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(passdb, "passdb");
        Objects.requireNonNull(masterUsers, "masterUsers");
        Objects.requireNonNull(sweeper, "sweeper");
        Objects.requireNonNull(adminSocket, "adminSocket");
        Objects.requireNonNull(pop3UidlFormat, "pop3UidlFormat");
        Objects.requireNonNull(pop3, "pop3");
        Objects.requireNonNull(recipientDelimiter, "recipientDelimiter");
        Objects.requireNonNull(authFailureDelay, "authFailureDelay");
        warnings = List.copyOf(warnings);
    }

    /** The settings of an empty configuration file. */
    public static Settings defaults() {
        return ConfigLoader.load(List.of());
    }
}
