package dovetail.conf;

import static dovetail.conf.ConfigFiles.error;
import static dovetail.conf.ConfigFiles.pem;
import static dovetail.conf.ConfigFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every mistake gives one line: file:line: key: what was expected, and what was found. */
class ErrorMessagesTest {
    @TempDir
    Path dir;

    private Path conf(String... lines) {
        return write(dir.resolve("dovetail.conf"), lines);
    }

    private String f() {
        return dir.resolve("dovetail.conf").toString();
    }

    @Test
    void missingConfigFileSaysCannotRead() {
        assertEquals(dir.resolve("nope.conf") + ": cannot read: No such file", error(dir.resolve("nope.conf")));
    }

    @Test
    void configFileThatIsADirectorySaysCannotRead() {
        assertEquals(dir + ": cannot read: Is a directory", error(dir));
    }

    @Test
    void configFileThatIsNotUtf8SaysCannotRead() throws java.io.IOException {
        Path file = java.nio.file.Files.write(dir.resolve("latin1.conf"), new byte[] {'a', ' ', '=', ' ', (byte) 0xE9});
        assertEquals(file + ": cannot read: not valid UTF-8 text", error(file));
    }

    @Test
    void includeOfADirectoryIsAnError() {
        java.io.File sub = dir.resolve("conf.d").toFile();
        sub.mkdirs();
        assertEquals(f() + ":1: !include: cannot read " + sub + ": Is a directory", error(conf("!include conf.d")));
    }

    @Test
    void unknownKeyNamesFileLineAndSuggestsTheNearestKey() {
        assertEquals(f() + ":3: imapc_hots: unknown setting, expected a Dovetail or Dovecot 2.3 setting name "
                + "(did you mean imapc_host?)", error(conf("# legacy", "", "imapc_hots = imap.example.com")));
    }

    @Test
    void unknownKeyWithoutNearMissHasNoSuggestion() {
        assertEquals(f() + ":1: frobnicate_everything: unknown setting, expected a Dovetail or Dovecot 2.3 setting "
                + "name", error(conf("frobnicate_everything = yes")));
    }

    @Test
    void badIntegerSaysWhatWasExpected() {
        assertEquals(f() + ":2: mail_prefetch_count: expected a whole number >= 0, found 'twenty'",
                error(conf("imapc_host = imap.example.com", "mail_prefetch_count = twenty")));
    }

    @Test
    void negativeIntegerIsRejected() {
        assertEquals(f() + ":1: sweeper_rate: expected a whole number >= 0, found '-1'", error(conf("sweeper_rate = -1")));
    }

    @Test
    void integerBelowMinimumIsRejected() {
        assertEquals(f() + ":1: sweeper_concurrency: expected a whole number >= 1, found '0'",
                error(conf("sweeper_concurrency = 0")));
    }

    @Test
    void portOutOfRangeIsRejected() {
        assertEquals(f() + ":1: imapc_port: expected a whole number from 1 to 65535, found '70000'",
                error(conf("imapc_port = 70000")));
    }

    @Test
    void badBooleanSaysYesOrNo() {
        assertEquals(f() + ":1: imapc_ssl_verify: expected yes or no, found 'maybe'",
                error(conf("imapc_ssl_verify = maybe")));
    }

    @Test
    void badPluginBooleanSaysYesOrNo() {
        assertEquals(f() + ":2: pop3_migration_skip_size_check: expected yes or no, found 'sometimes'",
                error(conf("plugin {", "  pop3_migration_skip_size_check = sometimes", "}")));
    }

    @Test
    void badChoiceListsTheChoices() {
        assertEquals(f() + ":1: imapc_ssl: expected no, imaps or starttls, found 'ssl'", error(conf("imapc_ssl = ssl")));
        assertEquals(f() + ":1: pop3c_ssl: expected no, pop3s or starttls, found 'imaps'",
                error(conf("pop3c_ssl = imaps")));
        assertEquals(f() + ":1: mail_fsync: expected optimized, always or never, found 'sometimes'",
                error(conf("mail_fsync = sometimes")));
        assertEquals(f() + ":1: ssl: expected no, yes or required, found 'on'", error(conf("ssl = on")));
    }

    @Test
    void badDurationShowsExamples() {
        assertEquals(f() + ":1: legacy_sync_window: expected a time such as 30s, 500ms, 5 mins, 72h or 3d, found "
                + "'3 fortnights'", error(conf("legacy_sync_window = 3 fortnights")));
    }

    @Test
    void zeroMaxIdleTimeIsRejectedAsInDovecot() {
        assertEquals(f() + ":1: imapc_max_idle_time: expected a time above 0, found '0'",
                error(conf("imapc_max_idle_time = 0")));
    }

    @Test
    void badListenerShowsTheForm() {
        assertEquals(f() + ":1: imap_listen: expected host:port (IPv6 as [::1]:143) or nothing, found '0.0.0.0'",
                error(conf("imap_listen = 0.0.0.0")));
    }

    @Test
    void unbracketedIpv6ListenerAsksForBrackets() {
        assertEquals(f() + ":1: pop3_listen: expected an IPv6 address in brackets, as in [::1]:143, found '::1:110'",
                error(conf("pop3_listen = ::1:110")));
    }

    @Test
    void listenerPortOutOfRangeIsRejected() {
        assertEquals(f() + ":1: imap_listen: expected a port from 0 to 65535 after the host, found '127.0.0.1:65536'",
                error(conf("imap_listen = 127.0.0.1:65536")));
    }

    @Test
    void badLmtpListenerShowsUnixForm() {
        assertEquals(f() + ":1: lmtp_listen: expected host:port (IPv6 as [::1]:24), unix:/path or nothing, found "
                + "'unix:'", error(conf("lmtp_listen = unix:")));
    }

    @Test
    void twoListenersOnOnePortAreRejected() {
        assertEquals(f() + ":2: pop3_listen: expected a port that imap_listen (0.0.0.0:143) does not use, found "
                + "127.0.0.1:143", error(conf("imap_listen = 0.0.0.0:143", "pop3_listen = 127.0.0.1:143")));
    }

    @Test
    void missingIncludeNamesTheIncludingLine() {
        assertEquals(f() + ":2: !include: cannot read " + dir.resolve("conf.d/missing.conf") + ": No such file",
                error(conf("# main", "!include conf.d/missing.conf")));
    }

    @Test
    void includeGlobWithoutMatchIsAnError() {
        assertEquals(f() + ":1: !include: expected at least one file matching " + dir.resolve("conf.d/*.conf")
                + ", found none", error(conf("!include conf.d/*.conf")));
    }

    @Test
    void includeCycleShowsTheChain() {
        write(dir.resolve("a.conf"), "!include b.conf");
        write(dir.resolve("b.conf"), "", "!include a.conf");
        assertEquals(dir.resolve("b.conf") + ":2: !include: expected no include cycle, found " + f() + " -> "
                + dir.resolve("a.conf") + " -> " + dir.resolve("b.conf") + " -> " + dir.resolve("a.conf"),
                error(conf("!include a.conf")));
    }

    @Test
    void fileIncludingItselfIsACycle() {
        assertEquals(f() + ":1: !include: expected no include cycle, found " + f() + " -> " + f(),
                error(conf("!include dovetail.conf")));
    }

    @Test
    void errorInIncludedFileNamesThatFile() {
        write(dir.resolve("conf.d/10-legacy.conf"), "imapc_host = imap.example.com", "imapc_port = http");
        assertEquals(dir.resolve("conf.d/10-legacy.conf") + ":2: imapc_port: expected a whole number from 1 to "
                + "65535, found 'http'", error(conf("!include conf.d/*.conf")));
    }

    @Test
    void unexpectedClosingBraceIsAnError() {
        assertEquals(f() + ":3: }: expected '}' only to close a block, found no open block",
                error(conf("plugin {", "}", "}")));
    }

    @Test
    void missingClosingBraceNamesTheOpeningLine() {
        assertEquals(f() + ":2: namespace: expected '}' to close the block opened here, found the end of the file",
                error(conf("imapc_host = imap.example.com", "namespace inbox {", "  inbox = yes")));
    }

    @Test
    void missingClosingBraceOfNestedBlocksNamesTheBlockLeftOpen() {
        assertEquals(f() + ":1: namespace: expected '}' to close the block opened here, found the end of the file",
                error(conf("namespace inbox {", "  mailbox Sent {", "    special_use = \\Sent", "  }")));
    }

    @Test
    void missingClosingBraceInIncludedFileNamesThatFile() {
        write(dir.resolve("plugin.conf"), "plugin {", "  pop3_migration_mailbox = INBOX");
        assertEquals(dir.resolve("plugin.conf") + ":1: plugin: expected '}' to close the block opened here, found the "
                + "end of the file", error(conf("!include plugin.conf", "}")));
    }

    @Test
    void blockMustNotContinueAfterTheBrace() {
        assertEquals(f() + ":1: namespace: expected nothing after '{' (put the block's contents on their own lines), "
                + "found 'inbox = yes }'", error(conf("namespace inbox { inbox = yes }")));
    }

    @Test
    void lineWithoutEqualsOrBraceIsAnError() {
        assertEquals(f() + ":1: imapc_host: expected 'key = value' or 'name [arg] {', found 'imapc_host imap.example.com'",
                error(conf("imapc_host imap.example.com")));
    }

    @Test
    void lineWithoutEqualsDoesNotShowASecret() {
        String message = error(conf("imapc_password hunter2"));
        assertEquals(f() + ":1: imapc_password: expected 'key = value' or 'name [arg] {', found a line without '='",
                message);
    }

    @Test
    void unknownBlockIsAnError() {
        assertEquals(f() + ":1: settings: expected a known block (plugin, or a Dovecot block such as protocol, service, "
                + "namespace, passdb, userdb), found 'settings {'", error(conf("settings {", "}")));
    }

    @Test
    void unknownVariableIsAnError() {
        assertEquals(f() + ":1: imapc_features: unknown variable $nosuch (expected $ and a setting name; quote the "
                + "value if '$' is meant literally)", error(conf("imapc_features = rfc822.size $nosuch")));
    }

    @Test
    void unknownVariableInPasswordDoesNotShowThePassword() {
        String message = error(conf("imapc_password = $ecretpassword"));
        assertEquals(f() + ":1: imapc_password: unknown variable in the value (expected $ and a setting name; quote "
                + "the value if '$' is meant literally)", message);
        assertFalse(message.contains("ecretpassword"));
    }

    @Test
    void unterminatedQuoteIsAnError() {
        assertEquals(f() + ":1: imapc_list_prefix: expected a closing \" at the end of the value",
                error(conf("imapc_list_prefix = \"INBOX")));
    }

    @Test
    void unknownImapcFeatureListsKnownOnes() {
        assertEquals(f() + ":1: imapc_features: expected features from rfc822.size, guid-forced, fetch-headers, "
                + "gmail-migration, search, zimbra-workarounds, no-examine, proxyauth, fetch-msn-workarounds, "
                + "fetch-fix-broken-mails, modseq, delay-login, fetch-bodystructure, send-id, fetch-empty-is-expunged, "
                + "no-msn-updates, acl, no-qresync, or throttle:INIT:MAX:SHRINK-MIN; found unknown 'fetch-header'",
                error(conf("imapc_features = rfc822.size fetch-header")));
    }

    @Test
    void badThrottleIsAnError() {
        assertEquals(f() + ":1: imapc_features: expected throttle:INIT:MAX:SHRINK-MIN in milliseconds, e.g. "
                + "throttle:50:16000:500, found 'throttle:50:16000'", error(conf("imapc_features = throttle:50:16000")));
    }

    @Test
    void unknownDsyncFeatureIsAnError() {
        assertEquals(f() + ":1: dsync_features: expected features from empty-header-workaround, no-header-hashes; "
                + "found unknown 'empty-headers'", error(conf("dsync_features = empty-headers")));
    }

    @Test
    void unknownPop3cFeatureIsAnError() {
        assertEquals(f() + ":1: pop3c_features: expected features from no-pipelining; found unknown 'pipelining'",
                error(conf("pop3c_features = pipelining")));
    }

    @Test
    void sslRequiredWithoutCertIsAnError() {
        assertEquals(f() + ":2: ssl: expected ssl_cert and ssl_key with ssl = required, found no ssl_cert",
                error(conf("imapc_host = imap.example.com", "ssl = required")));
    }

    @Test
    void sslCertWithoutKeyIsAnError() {
        pem(dir.resolve("cert.pem"));
        assertEquals(f() + ":1: ssl_cert: expected ssl_key to be set too, found no ssl_key",
                error(conf("ssl_cert = <cert.pem")));
    }

    @Test
    void sslCertMustBeAFileReference() {
        pem(dir.resolve("cert.pem"));
        pem(dir.resolve("key.pem"));
        assertEquals(f() + ":1: ssl_cert: expected <path (a '<' and the PEM file's name, as in Dovecot), found '"
                + dir.resolve("cert.pem") + "'", error(conf("ssl_cert = " + dir.resolve("cert.pem"), "ssl_key = <key.pem")));
    }

    @Test
    void inlineSslKeyIsNotShown() {
        pem(dir.resolve("cert.pem"));
        String message = error(conf("ssl_cert = <cert.pem", "ssl_key = PRIVATEKEYDATA"));
        assertEquals(f() + ":2: ssl_key: expected <path (a '<' and the PEM file's name, as in Dovecot), found a value "
                + "that is not shown (secret)", message);
    }

    @Test
    void missingCertFileIsAnError() {
        pem(dir.resolve("key.pem"));
        assertEquals(f() + ":1: ssl_cert: expected a readable file, found " + dir.resolve("cert.pem")
                + ": No such file", error(conf("ssl_cert = <cert.pem", "ssl_key = <key.pem")));
    }

    @Test
    void certThatIsADirectoryIsAnError() {
        pem(dir.resolve("key.pem"));
        assertEquals(f() + ":1: ssl_cert: expected a readable file, found " + dir + ": it is a directory",
                error(conf("ssl_cert = <" + dir, "ssl_key = <key.pem")));
    }

    @Test
    void emptyFileReferenceIsAnError() {
        assertEquals(f() + ":1: ssl_cert: expected a file name after '<', found nothing", error(conf("ssl_cert = <")));
    }

    @Test
    void tlsListenerWithoutCertIsAnError() {
        assertEquals(f() + ":1: imaps_listen: expected ssl_cert and ssl_key for a TLS listener, found no ssl_cert",
                error(conf("imaps_listen = 0.0.0.0:993")));
    }

    @Test
    void tlsListenerWithSslNoIsAnError() {
        pem(dir.resolve("cert.pem"));
        pem(dir.resolve("key.pem"));
        assertEquals(f() + ":4: pop3s_listen: expected ssl = yes or required for a TLS listener, found ssl = no ("
                + f() + ":3)", error(conf("ssl_cert = <cert.pem", "ssl_key = <key.pem", "ssl = no",
                "pop3s_listen = 0.0.0.0:995")));
    }

    @Test
    void mailLocationMustBeMaildir() {
        assertEquals(f() + ":1: mail_location: expected maildir:/path (Dovetail stores Maildir only), found "
                + "'mdbox:~/mdbox'", error(conf("mail_location = mdbox:~/mdbox")));
    }

    @Test
    void mailLocationNeedsAnAbsolutePath() {
        assertEquals(f() + ":1: mail_location: expected an absolute path after maildir: (Dovetail has no home "
                + "directories), found 'maildir:~/Maildir'", error(conf("mail_location = maildir:~/Maildir")));
    }

    /** Dovetail is always multi-user: a path without the user would let bob read alice's INBOX. */
    @Test
    void mailLocationWithoutTheUserIsAnError() {
        assertEquals(f() + ":2: mail_location: expected a path that names the user (%u or %n, e.g. "
                + "maildir:/var/vmail/%d/%n/Maildir), found 'maildir:/srv/shared/Maildir', one store for every user",
                error(conf("# shared", "mail_location = maildir:/srv/shared/Maildir")));
        // %d alone is one store per domain; %%n is a literal; a user variable in an option does not move the store.
        for (String location : List.of("maildir:/var/vmail/%d/Maildir", "maildir:/srv/%%n/Maildir",
                "maildir:/srv/shared/Maildir:INDEX=/var/index/%u")) {
            assertEquals(f() + ":1: mail_location: expected a path that names the user (%u or %n, e.g. "
                    + "maildir:/var/vmail/%d/%n/Maildir), found '" + location + "', one store for every user",
                    error(conf("mail_location = " + location)), location);
        }
    }

    @Test
    void mailLocationNamesTheUserInAnyOfItsForms() {
        for (String location : List.of("maildir:/srv/%u/Maildir", "maildir:/srv/%d/%n/Maildir",
                "maildir:/srv/%Ln/Maildir", "maildir:/srv/%Uu", "maildir:/srv/%{user}/Maildir",
                "maildir:/srv/%d/%{username}/Maildir", "maildir:/srv/%L{username}/Maildir")) {
            assertEquals(location, ConfigLoader.load(conf("mail_location = " + location), List.of()).store()
                    .mailLocation(), location);
        }
    }

    @Test
    void mailLocationWithUnknownVariableIsAnError() {
        assertEquals(f() + ":1: mail_location: expected only the variables %u, %n, %d and %%, found %h in "
                + "'maildir:/srv/%h/Maildir'", error(conf("mail_location = maildir:/srv/%h/Maildir")));
    }

    @Test
    void userTemplateWithUnknownVariableIsAnError() {
        assertEquals(f() + ":1: imapc_user: expected only the variables %u, %n, %d and %%, found %{home} in "
                + "'%{home}'", error(conf("imapc_user = %{home}")));
    }

    @Test
    void badPassdbIsAnError() {
        assertEquals(f() + ":1: passdb: expected legacy or passwd-file:/path, found 'ldap'", error(conf("passdb = ldap")));
    }

    @Test
    void missingPasswdFileIsAnError() {
        assertEquals(f() + ":1: passdb: expected a readable file, found " + dir.resolve("passwd") + ": No such file",
                error(conf("passdb = passwd-file:passwd")));
    }

    @Test
    void missingSweeperUsersFileIsAnError() {
        assertEquals(f() + ":1: sweeper_users: expected a readable file, found /nonexistent/users.txt: No such file",
                error(conf("sweeper_users = /nonexistent/users.txt")));
    }

    @Test
    void missingClientCaDirIsAnError() {
        assertEquals(f() + ":1: ssl_client_ca_dir: expected a readable directory, found /nonexistent/ssl: No such "
                + "file", error(conf("ssl_client_ca_dir = /nonexistent/ssl")));
    }

    @Test
    void emptyAdminSocketIsAnError() {
        assertEquals(f() + ":1: admin_socket: expected the path of the admin socket, found nothing",
                error(conf("admin_socket =")));
    }

    @Test
    void imapcHostWithSpaceIsAnError() {
        assertEquals(f() + ":1: imapc_host: expected a host name or IP address, found 'imap example com'",
                error(conf("imapc_host = imap example com")));
    }

    @Test
    void overrideErrorsNameDashO() {
        Path file = conf("imapc_host = imap.example.com");
        assertEquals("-o imapc_port: expected a whole number from 1 to 65535, found 'x'", error(file, "imapc_port=x"));
        assertEquals("-o imapc_hots: unknown setting, expected a Dovetail or Dovecot 2.3 setting name (did you mean "
                + "imapc_host?)", error(file, "imapc_hots=x"));
        assertEquals("-o imapc_features: unknown variable $nope (expected $ and a setting name; quote the value if "
                + "'$' is meant literally)", error(file, "imapc_features=$nope"));
        assertEquals("-o imapc_host: expected key=value, found 'imapc_host'", error(file, "imapc_host"));
        assertEquals("-o: expected key=value, found '=...'", error(file, "=x"));
    }

    @Test
    void overrideErrorForCrossKeyRuleNamesDashO() {
        assertEquals("-o ssl: expected ssl_cert and ssl_key with ssl = yes, found no ssl_cert",
                error(conf(""), "ssl=yes"));
    }

    @Test
    void configExceptionHasNoStackTrace() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.fromString("x.conf", "nope = 1", List.of()));
        assertEquals(0, e.getStackTrace().length);
        assertEquals("x.conf:1: nope: unknown setting, expected a Dovetail or Dovecot 2.3 setting name", e.getMessage());
    }
}
