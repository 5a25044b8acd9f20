package dovetail.conf;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS: Dovetail's own certificate ({@code ssl}, {@code ssl_cert}, {@code ssl_key}) and the CAs that verify
 * legacy servers ({@code ssl_client_ca_dir}, {@code ssl_client_ca_file}; neither set = the JVM's defaults).
 * Every path here named a readable file (or directory) when the settings were loaded. {@code plaintextAuthDisabled}
 * is Dovecot's {@code disable_plaintext_auth} (default yes): no password before TLS, except from loopback.
 * {@code minProtocol} is {@code ssl_min_protocol} (Dovecot's default TLSv1.2): {@code TLSv1.2} or {@code TLSv1.3}.
 */
public record TlsSettings(SslMode mode, Optional<Path> cert, Optional<Path> key,
                          Optional<Path> clientCaDir, Optional<Path> clientCaFile, boolean plaintextAuthDisabled,
                          String minProtocol) {
    public TlsSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(clientCaDir, "clientCaDir");
        Objects.requireNonNull(clientCaFile, "clientCaFile");
        Objects.requireNonNull(minProtocol, "minProtocol");
    }

    /** True unless {@code ssl = no}; then cert and key are both present. */
    public boolean enabled() {
        return mode != SslMode.NO;
    }

    /** Whether a client must start TLS before it sends a password (loopback excepted), as in Dovecot. */
    public boolean passwordNeedsTls() {
        return mode == SslMode.REQUIRED || plaintextAuthDisabled;
    }
}
