package dovetail.conf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration lines of the seed guide (Dovecot's dsync migration how-to), verbatim. */
class SeedConfigTest {
    static Path seedFile() {
        try {
            return Path.of(SeedConfigTest.class.getResource("seed-migration.conf").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void seedImapBlockParsesIntoTypedValues() {
        ImapcSettings imapc = ConfigLoader.load(seedFile(), List.of()).imapc();
        assertEquals("", imapc.host());
        assertFalse(imapc.configured());
        assertEquals(143, imapc.port());
        assertEquals(LegacySsl.NO, imapc.ssl());
        assertTrue(imapc.sslVerify());
        assertEquals("%u", imapc.user());
        assertEquals(Optional.of("masteruser"), imapc.masterUser());
        assertEquals(Optional.of("masteruser-secret"), imapc.password());
        assertEquals(Set.of(ImapcFeature.RFC822_SIZE, ImapcFeature.FETCH_HEADERS), imapc.features());
        assertEquals(ImapcSettings.Throttle.DEFAULT, imapc.throttle());
        assertEquals("", imapc.listPrefix());
        assertEquals(Duration.ofMinutes(5), imapc.cmdTimeout());
        assertEquals(1, imapc.connectionRetryCount());
        assertEquals(Duration.ofSeconds(1), imapc.connectionRetryInterval());
        assertEquals(Duration.ofMinutes(29), imapc.maxIdleTime());
    }

    @Test
    void seedMigrationSettingsParse() {
        MigrationSettings migration = ConfigLoader.load(seedFile(), List.of()).migration();
        assertEquals(20, migration.prefetchCount());
        assertEquals(100, migration.commitInterval());
        assertEquals(Set.of(DsyncFeature.EMPTY_HEADER_WORKAROUND), migration.dsyncFeatures());
        assertTrue(migration.has(DsyncFeature.EMPTY_HEADER_WORKAROUND));
    }

    @Test
    void seedPop3BlockParsesIntoTypedValues() {
        Settings settings = ConfigLoader.load(seedFile(), List.of());
        Pop3cSettings pop3c = settings.pop3c();
        assertEquals("", pop3c.host());
        assertFalse(pop3c.configured());
        assertEquals(110, pop3c.port());
        assertEquals(LegacySsl.NO, pop3c.ssl());
        assertEquals("%u", pop3c.user());
        assertEquals(Optional.of("masteruser"), pop3c.masterUser());
        assertEquals(Optional.of("masteruser-secret"), pop3c.password());
        assertEquals(Set.of(), pop3c.features());
        assertEquals(new Pop3MigrationSettings("POP3-MIGRATION-NS/INBOX", false, false, false, false, false),
                settings.pop3Migration());
    }

    @Test
    void seedDovecotBlocksAreIgnoredWithOneWarningEach() {
        Path file = seedFile();
        assertEquals(List.of(
                        file + ":54: ignored: Dovecot block 'namespace { }' is not used by Dovetail",
                        file + ":60: ignored: Dovecot block 'protocol { }' is not used by Dovetail"),
                ConfigLoader.load(file, List.of()).warnings());
    }

    @Test
    void seedSslCommentsUncommentedAsOverrides(@TempDir Path caDir) {
        Settings settings = ConfigLoader.load(seedFile(), List.of("imapc_host=imap.example.com",
                "imapc_port=993", "imapc_ssl=imaps", "ssl_client_ca_dir=" + caDir, "imapc_ssl_verify=yes",
                "imapc_list_prefix=INBOX", "pop3c_host=pop.example.com", "pop3c_ssl=pop3s", "pop3c_ssl_verify=yes"));
        assertEquals("imap.example.com", settings.imapc().host());
        assertTrue(settings.imapc().configured());
        assertEquals(993, settings.imapc().port());
        assertEquals(LegacySsl.IMPLICIT, settings.imapc().ssl());
        assertEquals("INBOX", settings.imapc().listPrefix());
        assertEquals(Optional.of(caDir), settings.tls().clientCaDir());
        assertEquals(995, settings.pop3c().port());
        assertEquals(LegacySsl.IMPLICIT, settings.pop3c().ssl());
    }

    @Test
    void seedDoveadmCommandLineOverridesApply() {
        // doveadm -o mail_fsync=never ... and the per-user form of the guide
        Settings settings = ConfigLoader.load(seedFile(), List.of("mail_fsync=never", "imapc_user=foo",
                "pop3c_user=foo", "imapc_password=bar", "pop3c_password=bar"));
        assertEquals(FsyncMode.NEVER, settings.store().fsync());
        assertEquals("foo", settings.imapc().user());
        assertEquals(Optional.of("bar"), settings.imapc().password());
        assertEquals("foo", settings.pop3c().user());
        assertEquals(Optional.of("bar"), settings.pop3c().password());
    }
}
