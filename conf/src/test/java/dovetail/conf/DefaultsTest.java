package dovetail.conf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What an empty configuration means. */
class DefaultsTest {
    private final Settings s = Settings.defaults();

    @Test
    void legacyImapDefaultsAreDovecots() {
        ImapcSettings imapc = s.imapc();
        assertFalse(imapc.configured());
        assertEquals(143, imapc.port());
        assertEquals(LegacySsl.NO, imapc.ssl());
        assertTrue(imapc.sslVerify());
        assertEquals("%u", imapc.user());
        assertEquals(Optional.empty(), imapc.masterUser());
        assertEquals(Optional.empty(), imapc.password());
        assertEquals(Set.of(), imapc.features());
        assertEquals(ImapcSettings.Throttle.DEFAULT, imapc.throttle());
        assertEquals(Duration.ofMinutes(5), imapc.cmdTimeout());
        assertEquals(1, imapc.connectionRetryCount());
        assertEquals(Duration.ofSeconds(1), imapc.connectionRetryInterval());
        assertEquals(Duration.ofMinutes(29), imapc.maxIdleTime());
    }

    @Test
    void legacyPop3DefaultsAreDovecots() {
        Pop3cSettings pop3c = s.pop3c();
        assertFalse(pop3c.configured());
        assertEquals(110, pop3c.port());
        assertEquals(LegacySsl.NO, pop3c.ssl());
        assertTrue(pop3c.sslVerify());
        assertEquals("%u", pop3c.user());
        assertEquals(new Pop3MigrationSettings("", false, false, false, false, false), s.pop3Migration());
        assertEquals("%08Xu%08Xv", s.pop3UidlFormat());
    }

    @Test
    void migrationAndStoreDefaults() {
        assertEquals(new MigrationSettings(0, 100, Set.of(), 20, Duration.ofHours(72)), s.migration());
        assertEquals(new StoreSettings("maildir:/var/vmail/%d/%n/Maildir", FsyncMode.OPTIMIZED), s.store());
        assertEquals("/var/vmail/%d/%n/Maildir", s.store().maildirTemplate());
    }

    @Test
    void listenersDefaultToPlainPortsWithoutTls() {
        ListenerSettings l = s.listeners();
        assertEquals(Optional.of(new Endpoint.Tcp("0.0.0.0", 143)), l.imap());
        assertEquals(Optional.empty(), l.imaps());
        assertEquals(Optional.of(new Endpoint.Tcp("0.0.0.0", 110)), l.pop3());
        assertEquals(Optional.empty(), l.pop3s());
        assertEquals(Optional.of(new Endpoint.Tcp("127.0.0.1", 24)), l.lmtp());
    }

    @Test
    void ownDefaults() {
        assertEquals(new TlsSettings(SslMode.NO, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                true, "TLSv1.2"),
                s.tls());
        assertEquals(new Passdb.Legacy(false), s.passdb());
        assertEquals(new SweeperSettings(true, Optional.empty(), 4, 0), s.sweeper());
        assertEquals(Path.of("/run/dovetail/admin.sock"), s.adminSocket());
        assertEquals(List.of(), s.warnings());
    }

    @Test
    void toStringNeverShowsPasswords() {
        Settings withPasswords = ConfigLoader.load(List.of("imapc_password=hunter2", "pop3c_password=hunter3"));
        assertFalse(withPasswords.toString().contains("hunter"), withPasswords.toString());
        assertTrue(withPasswords.imapc().toString().contains("password=(set)"));
    }

    /** README's way to give a password to backup without putting it where ps shows it (walk-through 19, F6). */
    @Test
    void aPasswordOverrideCanBeReadFromAFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("alice.pw"), "s3cret\n");
        Settings settings = ConfigLoader.load(List.of("imapc_password=<" + file, "pop3c_password=<" + file));
        assertEquals(java.util.Optional.of("s3cret"), settings.imapc().password());
        assertEquals(java.util.Optional.of("s3cret"), settings.pop3c().password());
    }
}
