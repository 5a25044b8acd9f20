package dovetail.conf;

import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Dovetail's listeners; an empty value means that listener is off.
 *
 * @param lmtpSocketMode {@code lmtp_socket_mode}: the file mode of {@code lmtp_listen = unix:PATH}
 */
public record ListenerSettings(Optional<Endpoint.Tcp> imap, Optional<Endpoint.Tcp> imaps,
                               Optional<Endpoint.Tcp> pop3, Optional<Endpoint.Tcp> pop3s,
                               Optional<Endpoint> lmtp, Set<PosixFilePermission> lmtpSocketMode) {
    /** lmtp_socket_mode's default: the MTA's user or group may connect, nobody else. */
    public static final Set<PosixFilePermission> DEFAULT_LMTP_SOCKET_MODE = PosixFilePermissions.fromString("rw-rw----");

    public ListenerSettings(Optional<Endpoint.Tcp> imap, Optional<Endpoint.Tcp> imaps, Optional<Endpoint.Tcp> pop3,
                            Optional<Endpoint.Tcp> pop3s, Optional<Endpoint> lmtp) {
        this(imap, imaps, pop3, pop3s, lmtp, DEFAULT_LMTP_SOCKET_MODE);
    }

    public ListenerSettings {
        lmtpSocketMode = Set.copyOf(lmtpSocketMode);
        Objects.requireNonNull(imap, "imap");
        Objects.requireNonNull(imaps, "imaps");
        Objects.requireNonNull(pop3, "pop3");
        Objects.requireNonNull(pop3s, "pop3s");
        Objects.requireNonNull(lmtp, "lmtp");
    }
}
