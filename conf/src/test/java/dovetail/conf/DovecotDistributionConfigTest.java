package dovetail.conf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A whole Dovecot 2.3 configuration tree as a distribution ships it (Debian's /etc/dovecot, with conf.d, .ext
 * includes and many blocks) parses. Skipped where Dovecot is not installed.
 */
class DovecotDistributionConfigTest {
    private static final Path DOVECOT_CONF = Path.of("/etc/dovecot/dovecot.conf");

    @Test
    void installedDovecotConfigurationParses() {
        assumeTrue(Files.isReadable(DOVECOT_CONF), "no Dovecot configuration at " + DOVECOT_CONF);
        // Dovetail needs a Maildir and its own certificate; everything else is accepted or ignored with a warning.
        Settings s = ConfigLoader.load(DOVECOT_CONF, List.of("ssl=no", "ssl_cert=", "ssl_key=",
                "mail_location=maildir:/var/vmail/%d/%n/Maildir"));
        assertEquals(SslMode.NO, s.tls().mode());
        assertTrue(s.warnings().stream().allMatch(w -> w.contains(": ignored: Dovecot ")), s.warnings().toString());
        assertEquals(s.warnings().size(), s.warnings().stream().distinct().count());
    }
}
