package dovetail.conf;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * TLS and listeners, and the rules between them: imaps/pop3s listen by default only when TLS is on, an explicit
 * TLS listener needs TLS, and no two listeners can bind the same port.
 */
final class NetworkBinder {
    private static final Map<String, SslMode> SSL = SettingsBinder.choices("no", SslMode.NO, "yes", SslMode.YES,
            "required", SslMode.REQUIRED);
    /**
     * Dovecot's words; the JDK turns TLS 1.1 and older off (jdk.tls.disabledAlgorithms), so those lower floors mean
     * TLS 1.2 here, and Dovecot's LATEST means TLS 1.3.
     */
    private static final Map<String, String> MIN_PROTOCOL = SettingsBinder.choices("TLSv1.2", "TLSv1.2",
            "TLSv1.3", "TLSv1.3", "TLSv1.1", "TLSv1.2", "TLSv1", "TLSv1.2", "SSLv3", "TLSv1.2", "ANY", "TLSv1.2",
            "LATEST", "TLSv1.3");

    private final Assignments values;

    NetworkBinder(Assignments values) {
        this.values = values;
    }

    private SettingValue get(String key) {
        return values.get(key);
    }

    /**
     * ssl unset: on ({@code yes}) exactly when ssl_cert and ssl_key are set. ssl = yes/required needs both.
     */
    TlsSettings tls() {
        SettingValue certValue = get("ssl_cert");
        SettingValue keyValue = get("ssl_key");
        Optional<Path> cert = pem(certValue);
        Optional<Path> key = pem(keyValue);
        if (cert.isPresent() && key.isEmpty()) {
            throw certValue.error("expected ssl_key to be set too, found no ssl_key");
        }
        if (key.isPresent() && cert.isEmpty()) {
            throw keyValue.error("expected ssl_cert to be set too, found no ssl_cert");
        }
        SettingValue sslValue = get("ssl");
        SslMode mode = sslValue.assigned() ? Values.choice(sslValue, SSL)
                : cert.isPresent() ? SslMode.YES : SslMode.NO;
        if (mode != SslMode.NO && cert.isEmpty()) {
            throw sslValue.error("expected ssl_cert and ssl_key with ssl = " + sslValue.text()
                    + ", found no ssl_cert");
        }
        return new TlsSettings(mode, cert, key, Values.directory(get("ssl_client_ca_dir")),
                Values.readableFile(get("ssl_client_ca_file")), Values.bool(get("disable_plaintext_auth")),
                Values.choice(get("ssl_min_protocol"), MIN_PROTOCOL));
    }

    /** ssl_cert / ssl_key: {@code <path} of a readable file, as in Dovecot; empty = not set. */
    private static Optional<Path> pem(SettingValue v) {
        if (v.isEmpty()) return Optional.empty();
        if (!v.fileRef()) {
            throw v.error("expected <path (a '<' and the PEM file's name, as in Dovecot), found " + v.shown());
        }
        return Values.readableFile(v);
    }

    ListenerSettings listeners(TlsSettings tls) {
        List<SettingValue> used = new ArrayList<>();
        Optional<Endpoint.Tcp> imap = distinct(Values.tcp(get("imap_listen")), get("imap_listen"), used);
        Optional<Endpoint.Tcp> imaps = distinct(tlsListener(get("imaps_listen"), tls), get("imaps_listen"), used);
        Optional<Endpoint.Tcp> pop3 = distinct(Values.tcp(get("pop3_listen")), get("pop3_listen"), used);
        Optional<Endpoint.Tcp> pop3s = distinct(tlsListener(get("pop3s_listen"), tls), get("pop3s_listen"), used);
        SettingValue lmtpValue = get("lmtp_listen");
        Optional<Endpoint> lmtp = Values.tcpOrUnix(lmtpValue);
        if (lmtp.orElse(null) instanceof Endpoint.Tcp tcp) distinct(Optional.of(tcp), lmtpValue, used);
        return new ListenerSettings(imap, imaps, pop3, pop3s, lmtp, socketMode(get("lmtp_socket_mode")));
    }

    /** An octal file mode such as 0660 that lets the owner read and write (bind needs no more; x bits mean nothing). */
    private static Set<PosixFilePermission> socketMode(SettingValue v) {
        if (!v.text().matches("0?[0-7]{3}")) {
            throw v.error("expected an octal mode such as 0660 or 0600, found " + v.shown());
        }
        int mode = Integer.parseInt(v.text(), 8);
        if ((mode & 0600) != 0600 || (mode & 0111) != 0) {
            throw v.error("expected a mode with rw for the owner and no x bits (0600, 0660, 0666), found " + v.shown());
        }
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE, high bit first
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << (bits.length - 1 - i))) != 0) {
                set.add(bits[i]);
            }
        }
        return set;
    }

    /** imaps/pop3s: on by default only with TLS; set explicitly without TLS is an error. */
    private Optional<Endpoint.Tcp> tlsListener(SettingValue v, TlsSettings tls) {
        if (!v.assigned() && !tls.enabled()) return Optional.empty();
        Optional<Endpoint.Tcp> endpoint = Values.tcp(v);
        if (endpoint.isPresent() && !tls.enabled()) {
            SettingValue ssl = get("ssl");
            throw v.error(ssl.assigned()
                    ? "expected ssl = yes or required for a TLS listener, found ssl = no (" + ssl.origin().where() + ")"
                    : "expected ssl_cert and ssl_key for a TLS listener, found no ssl_cert");
        }
        return endpoint;
    }

    /** Two listeners on one port (other than 0) of one address, or of a wildcard address, cannot both bind. */
    private static Optional<Endpoint.Tcp> distinct(Optional<Endpoint.Tcp> endpoint, SettingValue v,
                                                   List<SettingValue> used) {
        if (endpoint.isEmpty() || endpoint.get().port() == 0) return endpoint;
        Endpoint.Tcp e = endpoint.get();
        for (SettingValue other : used) {
            Endpoint.Tcp o = Values.tcp(other).orElseThrow();
            if (o.port() == e.port() && (o.host().equals(e.host()) || wildcard(o.host()) || wildcard(e.host()))) {
                throw v.error("expected a port that " + other.key() + " (" + o + ") does not use, found " + e);
            }
        }
        used.add(v);
        return endpoint;
    }

    private static boolean wildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::");
    }
}
