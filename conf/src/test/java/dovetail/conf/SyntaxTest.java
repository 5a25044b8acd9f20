package dovetail.conf;

import static dovetail.conf.ConfigFiles.load;
import static dovetail.conf.ConfigFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dovecot 2.3 configuration syntax. */
class SyntaxTest {
    @TempDir
    Path dir;

    private Settings parse(String... lines) {
        return load(write(dir.resolve("dovetail.conf"), lines));
    }

    @Test
    void readsKeyValueLinesWithCommentsAndBlankLines() {
        Settings s = parse("# a comment", "", "   # indented comment", "imapc_host = imap.example.com   # trailing",
                "imapc_list_prefix=INBOX", "\timapc_port\t=\t1143\t");
        assertEquals("imap.example.com", s.imapc().host());
        assertEquals("INBOX", s.imapc().listPrefix());
        assertEquals(1143, s.imapc().port());
    }

    @Test
    void hashWithoutSpaceBeforeItIsPartOfTheValue() {
        assertEquals(Optional.of("abc#123"), parse("imapc_password = abc#123").imapc().password());
    }

    @Test
    void hashInsideQuotesIsPartOfTheValue() {
        assertEquals(Optional.of("a # b"), parse("imapc_password = \"a # b\" # comment").imapc().password());
    }

    @Test
    void quotedValuesAreUnquotedAndUnescaped() {
        Settings s = parse("imapc_password = \"with \\\"quotes\\\" and spaces \"", "imapc_master_user = 'master'");
        assertEquals(Optional.of("with \"quotes\" and spaces "), s.imapc().password());
        assertEquals(Optional.of("master"), s.imapc().masterUser());
    }

    @Test
    void quotedValueIsNotExpanded() {
        assertEquals(Optional.of("$notavariable"), parse("imapc_password = \"$notavariable\"").imapc().password());
    }

    @Test
    void laterAssignmentOverridesEarlierOne() {
        assertEquals(20, parse("mail_prefetch_count = 10", "mail_prefetch_count = 20").migration().prefetchCount());
    }

    @Test
    void expandsDollarKeyFromEarlierAssignment() {
        Settings s = parse("imapc_features = rfc822.size", "imapc_features = $imapc_features fetch-headers");
        assertEquals(Set.of(ImapcFeature.RFC822_SIZE, ImapcFeature.FETCH_HEADERS), s.imapc().features());
    }

    @Test
    void expandsDollarKeyOfAnotherKey() {
        Settings s = parse("imapc_master_user = master", "pop3c_master_user = $imapc_master_user");
        assertEquals(Optional.of("master"), s.pop3c().masterUser());
    }

    @Test
    void expandsUnassignedKeyToItsDefault() {
        assertEquals(Set.of(ImapcFeature.MODSEQ), parse("imapc_features = $imapc_features modseq").imapc().features());
        assertEquals("%u", parse("pop3c_user = $imapc_user").pop3c().user());
    }

    @Test
    void expansionUsesTheValueAssignedSoFarNotTheFinalOne() {
        Settings s = parse("imapc_master_user = first", "pop3c_master_user = $imapc_master_user",
                "imapc_master_user = second");
        assertEquals(Optional.of("first"), s.pop3c().masterUser());
        assertEquals(Optional.of("second"), s.imapc().masterUser());
    }

    @Test
    void dollarInsideAWordIsLiteral() {
        assertEquals(Optional.of("pa$$word"), parse("imapc_password = pa$$word").imapc().password());
    }

    @Test
    void expandsEnvironmentVariables() {
        Settings s = ConfigLoader.fromString(dir.resolve("x.conf").toString(),
                "imapc_password = $ENV:LEGACY_PASSWORD\nimapc_master_user = $ENV:UNSET_VARIABLE\n", List.of(),
                Map.of("LEGACY_PASSWORD", "s3cret")::get);
        assertEquals(Optional.of("s3cret"), s.imapc().password());
        assertEquals(Optional.empty(), s.imapc().masterUser());
    }

    @Test
    void backslashContinuesALine() {
        Settings s = parse("imapc_features = rfc822.size \\", "    fetch-headers \\", "", "    modseq");
        assertEquals(Set.of(ImapcFeature.RFC822_SIZE, ImapcFeature.FETCH_HEADERS, ImapcFeature.MODSEQ),
                s.imapc().features());
    }

    @Test
    void featuresMaySeparateWithCommasAndAnyCase() {
        Settings s = parse("imapc_features = RFC822.SIZE,fetch-headers, throttle:100:20000:250");
        assertEquals(Set.of(ImapcFeature.RFC822_SIZE, ImapcFeature.FETCH_HEADERS), s.imapc().features());
        assertEquals(new ImapcSettings.Throttle(java.time.Duration.ofMillis(100), java.time.Duration.ofMillis(20000),
                java.time.Duration.ofMillis(250)), s.imapc().throttle());
    }

    @Test
    void acceptsAllDovecotImapcFeatures() {
        Settings s = parse("imapc_features = rfc822.size fetch-headers guid-forced modseq delay-login gmail-migration "
                + "no-examine proxyauth fetch-bodystructure zimbra-workarounds search fetch-msn-workarounds "
                + "fetch-fix-broken-mails no-qresync send-id fetch-empty-is-expunged no-msn-updates acl");
        assertEquals(Set.of(ImapcFeature.values()), s.imapc().features());
    }

    @Test
    void pluginBlockContentsAreTopLevelKeys() {
        Settings s = parse("plugin {", "  pop3_migration_mailbox = POP3-MIGRATION-NS/INBOX",
                "  pop3_migration_all_mailboxes = yes", "  pop3_migration_ignore_missing_uidls = yes",
                "  pop3_migration_ignore_extra_uidls = y", "  pop3_migration_ignore_invalid_uidls = 1",
                "  pop3_migration_skip_size_check = no", "}");
        assertEquals(new Pop3MigrationSettings("POP3-MIGRATION-NS/INBOX", true, true, true, true, false),
                s.pop3Migration());
    }

    @Test
    void pluginSwitchWithEmptyValueIsNo() {
        assertEquals(false, parse("pop3_migration_skip_size_check =").pop3Migration().skipSizeCheck());
    }

    @Test
    void dovecotBlocksAreSkippedWhateverTheyContain() {
        Settings s = parse("protocol imap {", "  imapc_host = ignored.example.com", "  mail_plugins = $nonsense",
                "  !include does-not-exist.conf", "}", "service imap-login {", "  inet_listener imaps {",
                "    port = 993", "  }", "}", "local_name \"mail example com\" {", "}", "imapc_host = real.example.com");
        assertEquals("real.example.com", s.imapc().host());
    }

    @Test
    void overridesWinOverTheFile() {
        Path file = write(dir.resolve("dovetail.conf"), "imapc_host = file.example.com", "mail_prefetch_count = 5");
        Settings s = load(file, "imapc_host=override.example.com", "mail_prefetch_count=7", "mail_prefetch_count=8");
        assertEquals("override.example.com", s.imapc().host());
        assertEquals(8, s.migration().prefetchCount());
    }

    @Test
    void overridesExpandDollarKeys() {
        Path file = write(dir.resolve("dovetail.conf"), "imapc_features = rfc822.size");
        assertEquals(Set.of(ImapcFeature.RFC822_SIZE, ImapcFeature.FETCH_HEADERS),
                load(file, "imapc_features=$imapc_features fetch-headers").imapc().features());
    }

    @Test
    void overridesAcceptPluginPrefixAsDoveadmDoes() {
        Path file = write(dir.resolve("dovetail.conf"), "");
        assertEquals("X/INBOX", load(file, "plugin/pop3_migration_mailbox=X/INBOX").pop3Migration().mailbox());
    }

    @Test
    void overridesWithoutFile() {
        Settings s = ConfigLoader.load(List.of("imap_listen=127.0.0.1:10143", "pop3_listen=127.0.0.1:10110",
                "lmtp_listen=127.0.0.1:10024"));
        assertEquals(Optional.of(new Endpoint.Tcp("127.0.0.1", 10143)), s.listeners().imap());
        assertEquals(Optional.of(new Endpoint.Tcp("127.0.0.1", 10110)), s.listeners().pop3());
        assertEquals(Optional.of(new Endpoint.Tcp("127.0.0.1", 10024)), s.listeners().lmtp());
    }

    @Test
    void includeIsRelativeToTheIncludingFile() {
        write(dir.resolve("conf.d/10-legacy.conf"), "imapc_host = imap.example.com", "!include ../more/port.conf");
        write(dir.resolve("more/port.conf"), "imapc_port = 1143");
        Settings s = parse("!include conf.d/10-legacy.conf", "mail_prefetch_count = 3");
        assertEquals("imap.example.com", s.imapc().host());
        assertEquals(1143, s.imapc().port());
        assertEquals(3, s.migration().prefetchCount());
    }

    @Test
    void includeGlobReadsMatchingFilesInNameOrder() {
        write(dir.resolve("conf.d/20-b.conf"), "imapc_host = b.example.com");
        write(dir.resolve("conf.d/10-a.conf"), "imapc_host = a.example.com", "mail_prefetch_count = 4");
        write(dir.resolve("conf.d/README"), "not a config file");
        Settings s = parse("!include conf.d/*.conf");
        assertEquals("b.example.com", s.imapc().host());
        assertEquals(4, s.migration().prefetchCount());
    }

    @Test
    void includeTryIgnoresAMissingFile() {
        assertEquals("x.example.com", parse("!include_try local.conf", "!include_try none.d/*.conf",
                "imapc_host = x.example.com").imapc().host());
    }

    @Test
    void includeTryReadsAnExistingFile() {
        write(dir.resolve("local.conf"), "imapc_host = local.example.com");
        assertEquals("local.example.com", parse("!include_try local.conf").imapc().host());
    }

    @Test
    void includeInsidePluginBlockReadsPluginKeys() {
        write(dir.resolve("pop3.conf"), "pop3_migration_mailbox = POP3/INBOX");
        assertEquals("POP3/INBOX", parse("plugin {", "  !include pop3.conf", "}").pop3Migration().mailbox());
    }

    @Test
    void sameFileMayBeIncludedTwiceWithoutACycle() {
        write(dir.resolve("common.conf"), "mail_prefetch_count = 9");
        assertEquals(9, parse("!include common.conf", "!include common.conf").migration().prefetchCount());
    }

    @Test
    void fileReferenceReadsContentsForOrdinaryKeys() {
        write(dir.resolve("secret"), "from-a-file");
        assertEquals(Optional.of("from-a-file"), parse("imapc_password = <secret").imapc().password());
    }

    @Test
    void fileReferenceIsKeptAsPathForCertAndKey() {
        Path cert = ConfigFiles.pem(dir.resolve("tls/cert.pem"));
        Path key = ConfigFiles.pem(dir.resolve("tls/key.pem"));
        Settings s = parse("ssl_cert = <tls/cert.pem", "ssl_key = < " + key);
        assertEquals(Optional.of(cert), s.tls().cert());
        assertEquals(Optional.of(key), s.tls().key());
    }

    @Test
    void fromStringParsesText() {
        Settings s = ConfigLoader.fromString("test.conf", "imapc_host = imap.example.com\n", List.of("imapc_port=1"));
        assertEquals("imap.example.com", s.imapc().host());
        assertEquals(1, s.imapc().port());
    }

    @Test
    void windowsLineEndingsAndByteOrderMarkAreAccepted() {
        Settings s = ConfigLoader.fromString("test.conf", "\uFEFFimapc_host = a.example.com\r\nimapc_port = 2\r\n",
                List.of());
        assertEquals("a.example.com", s.imapc().host());
        assertEquals(2, s.imapc().port());
    }
}
