package dovetail.conf;

import static dovetail.conf.ConfigFiles.load;
import static dovetail.conf.ConfigFiles.pem;
import static dovetail.conf.ConfigFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dovetail's listeners, TLS and the other keys that name files. */
class ListenersAndTlsTest {
    @TempDir
    Path dir;
    private Path cert;
    private Path key;

    @BeforeEach
    void pems() {
        cert = pem(dir.resolve("cert.pem"));
        key = pem(dir.resolve("key.pem"));
    }

    private Settings parse(String... lines) {
        return load(write(dir.resolve("dovetail.conf"), lines));
    }

    @Test
    void certAndKeyTurnTlsAndTlsListenersOn() {
        Settings s = parse("ssl_cert = <cert.pem", "ssl_key = <key.pem");
        assertEquals(new TlsSettings(SslMode.YES, Optional.of(cert), Optional.of(key), Optional.empty(),
                Optional.empty(), true, "TLSv1.2"), s.tls());
        assertEquals(Optional.of(new Endpoint.Tcp("0.0.0.0", 993)), s.listeners().imaps());
        assertEquals(Optional.of(new Endpoint.Tcp("0.0.0.0", 995)), s.listeners().pop3s());
    }

    @Test
    void aPasswordNeedsTlsByDefaultAsInDovecotUnlessPlaintextAuthIsAllowed() {
        assertTrue(parse().tls().passwordNeedsTls(), "ssl = no");
        assertTrue(parse("ssl_cert = <cert.pem", "ssl_key = <key.pem").tls().passwordNeedsTls(), "ssl = yes");
        assertFalse(parse("ssl_cert = <cert.pem", "ssl_key = <key.pem", "disable_plaintext_auth = no").tls()
                .passwordNeedsTls());
        assertFalse(parse("disable_plaintext_auth = no").tls().passwordNeedsTls());
        assertTrue(parse("ssl = required", "ssl_cert = <cert.pem", "ssl_key = <key.pem", "disable_plaintext_auth = no")
                .tls().passwordNeedsTls(), "ssl = required needs TLS whatever disable_plaintext_auth says");
    }

    /** Dovecot's values; the floors the JDK no longer offers are TLS 1.2, LATEST is TLS 1.3. */
    @Test
    void sslMinProtocolTakesDovecotsWords() {
        assertEquals("TLSv1.2", parse().tls().minProtocol());
        assertEquals("TLSv1.3", parse("ssl_min_protocol = TLSv1.3").tls().minProtocol());
        assertEquals("TLSv1.3", parse("ssl_min_protocol = LATEST").tls().minProtocol());
        assertEquals("TLSv1.2", parse("ssl_min_protocol = TLSv1").tls().minProtocol());
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> parse("ssl_min_protocol = TLSv2")).getMessage().contains("ssl_min_protocol"));
    }

    @Test
    void sslRequiredWithCertAndKey() {
        assertEquals(SslMode.REQUIRED, parse("ssl = required", "ssl_cert = <cert.pem", "ssl_key = <key.pem").tls().mode());
    }

    @Test
    void sslNoTurnsTlsListenersOffByDefault() {
        Settings s = parse("ssl = no", "ssl_cert = <cert.pem", "ssl_key = <key.pem");
        assertEquals(SslMode.NO, s.tls().mode());
        assertEquals(Optional.empty(), s.listeners().imaps());
        assertEquals(Optional.empty(), s.listeners().pop3s());
    }

    @Test
    void emptyListenerIsOff() {
        Settings s = parse("imap_listen =", "pop3_listen = \"\"", "lmtp_listen =", "ssl_cert = <cert.pem",
                "ssl_key = <key.pem", "imaps_listen =");
        assertEquals(Optional.empty(), s.listeners().imap());
        assertEquals(Optional.empty(), s.listeners().pop3());
        assertEquals(Optional.empty(), s.listeners().lmtp());
        assertEquals(Optional.empty(), s.listeners().imaps());
        assertEquals(Optional.of(new Endpoint.Tcp("0.0.0.0", 995)), s.listeners().pop3s());
    }

    @Test
    void listenersTakeHostNamesIpv6AndPortZero() {
        Settings s = parse("imap_listen = [::1]:10143", "pop3_listen = localhost:0", "lmtp_listen = [::]:24");
        assertEquals(Optional.of(new Endpoint.Tcp("::1", 10143)), s.listeners().imap());
        assertEquals("[::1]:10143", s.listeners().imap().orElseThrow().toString());
        assertEquals(Optional.of(new Endpoint.Tcp("localhost", 0)), s.listeners().pop3());
        assertEquals(Optional.of(new Endpoint.Tcp("::", 24)), s.listeners().lmtp());
    }

    @Test
    void starHostMeansAllIpv4Addresses() {
        assertEquals(Optional.of(new Endpoint.Tcp("0.0.0.0", 143)), parse("imap_listen = *:143").listeners().imap());
    }

    @Test
    void lmtpMayListenOnAUnixSocket() {
        assertEquals(Optional.of(new Endpoint.Unix(Path.of("/run/dovetail/lmtp"))),
                parse("lmtp_listen = unix:/run/dovetail/lmtp").listeners().lmtp());
    }

    @Test
    void lmtpSocketModeIsOctalWithOwnerReadWriteAndDefaultsTo0660() {
        assertEquals(PosixFilePermissions.fromString("rw-rw----"), parse().listeners().lmtpSocketMode());
        assertEquals(PosixFilePermissions.fromString("rw-------"),
                parse("lmtp_socket_mode = 0600").listeners().lmtpSocketMode());
        assertEquals(PosixFilePermissions.fromString("rw-rw-rw-"),
                parse("lmtp_socket_mode = 666").listeners().lmtpSocketMode());
        Path conf = dir.resolve("dovetail.conf");
        assertEquals(conf + ":1: lmtp_socket_mode: expected an octal mode such as 0660 or 0600, found 'rw'",
                ConfigFiles.error(write(conf, "lmtp_socket_mode = rw")));
        assertEquals(conf + ":1: lmtp_socket_mode: expected a mode with rw for the owner and no x bits (0600, 0660, "
                + "0666), found '0440'", ConfigFiles.error(write(conf, "lmtp_socket_mode = 0440")));
    }

    @Test
    void listenersOnDifferentAddressesMayShareAPort() {
        Settings s = parse("imap_listen = 127.0.0.1:1143", "pop3_listen = 127.0.0.2:1143");
        assertEquals(1143, s.listeners().pop3().orElseThrow().port());
    }

    @Test
    void clientCaDirAndFileAreChecked() {
        Settings s = parse("ssl_client_ca_dir = " + dir, "ssl_client_ca_file = cert.pem");
        assertEquals(Optional.of(dir), s.tls().clientCaDir());
        assertEquals(Optional.of(cert), s.tls().clientCaFile());
    }

    @Test
    void passwdFilePassdbIsRelativeToTheConfigFile() {
        Path passwd = write(dir.resolve("passwd"), "alice:{PLAIN}demo::::::");
        assertEquals(new Passdb.PasswdFile(passwd), parse("passdb = passwd-file:passwd").passdb());
        assertEquals(new Passdb.Legacy(false), parse("passdb = legacy").passdb());
    }

    @Test
    void proxyNotTrustedTurnsOffTheClientAddressForTheLegacyServer() {
        assertEquals(new Passdb.Legacy(true), parse("passdb = legacy", "proxy_not_trusted = yes").passdb());
        Path conf = dir.resolve("dovetail.conf");
        assertEquals(conf + ":1: proxy_not_trusted: expected yes or no, found 'maybe'",
                ConfigFiles.error(write(conf, "proxy_not_trusted = maybe")));
    }

    @Test
    void sweeperSettings() {
        Path users = write(dir.resolve("users.txt"), "alice", "bob");
        Settings s = parse("sweeper = no", "sweeper_users = " + users, "sweeper_concurrency = 8", "sweeper_rate = 50");
        assertEquals(new SweeperSettings(false, Optional.of(users), 8, 50), s.sweeper());
    }

    @Test
    void adminSocketAndMigrationKeys() {
        Settings s = parse("admin_socket = /tmp/dovetail/admin.sock", "legacy_max_connections = 10",
                "legacy_sync_window = 0", "mail_fsync = always", "dsync_features = empty-header-workaround,no-header-hashes",
                "mail_location = maildir:/srv/mail/%Ld/%Ln/Maildir:LAYOUT=fs");
        assertEquals(Path.of("/tmp/dovetail/admin.sock"), s.adminSocket());
        assertEquals(10, s.migration().maxConnectionsPerHost());
        assertEquals(java.time.Duration.ZERO, s.migration().syncWindow());
        assertEquals(FsyncMode.ALWAYS, s.store().fsync());
        assertEquals(2, s.migration().dsyncFeatures().size());
        assertEquals("/srv/mail/%Ld/%Ln/Maildir", s.store().maildirTemplate());
    }

    @Test
    void legacyPortsFollowImplicitTls() {
        Settings s = parse("imapc_ssl = imaps", "pop3c_ssl = pop3s");
        assertEquals(993, s.imapc().port());
        assertEquals(995, s.pop3c().port());
        Settings starttls = parse("imapc_ssl = starttls", "pop3c_ssl = starttls", "pop3c_port = 1110");
        assertEquals(143, starttls.imapc().port());
        assertEquals(LegacySsl.STARTTLS, starttls.imapc().ssl());
        assertEquals(1110, starttls.pop3c().port());
    }
}
