package dovetail.conf;

import static dovetail.conf.ConfigFiles.load;
import static dovetail.conf.ConfigFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dovecot settings and blocks that Dovetail does not use: accepted, one warning each. */
class WarningsTest {
    @TempDir
    Path dir;

    @Test
    void ignoredDovecotKeysWarnOnceEachWithTheirFirstLine() {
        Path f = write(dir.resolve("dovetail.conf"), "protocols = imap pop3 lmtp", "listen = *, ::",
                "mail_debug = yes", "protocols = imap", "log_path = /var/log/dovecot.log", "mail_debug = no",
                "imapc_rawlog_dir = /tmp/rawlog");
        assertEquals(List.of(
                f + ":1: ignored: Dovecot setting protocols is not used by Dovetail",
                f + ":2: ignored: Dovecot setting listen is not used by Dovetail",
                f + ":3: ignored: Dovecot setting mail_debug is not used by Dovetail",
                f + ":5: ignored: Dovecot setting log_path is not used by Dovetail",
                f + ":7: ignored: Dovecot setting imapc_rawlog_dir is not used by Dovetail"), load(f).warnings());
    }

    @Test
    void ignoredBlocksWarnOncePerKind() {
        Path f = write(dir.resolve("dovetail.conf"), "service imap-login {", "  inet_listener imap {", "    port = 0",
                "  }", "}", "service pop3-login {", "}", "passdb {", "  driver = pam", "}", "userdb {",
                "  driver = passwd", "}", "protocol lmtp {", "  mail_plugins = $mail_plugins sieve", "}");
        assertEquals(List.of(
                f + ":1: ignored: Dovecot block 'service { }' is not used by Dovetail",
                f + ":8: ignored: Dovecot block 'passdb { }' is not used by Dovetail",
                f + ":11: ignored: Dovecot block 'userdb { }' is not used by Dovetail",
                f + ":14: ignored: Dovecot block 'protocol { }' is not used by Dovetail"), load(f).warnings());
    }

    @Test
    void warningsFromIncludedFilesNameThoseFilesInOrder() {
        Path inc = write(dir.resolve("conf.d/10-auth.conf"), "auth_verbose = yes", "auth_mechanisms = plain");
        Path f = write(dir.resolve("dovetail.conf"), "base_dir = /var/run/dovecot/", "!include conf.d/*.conf",
                "first_valid_uid = 500");
        assertEquals(List.of(
                f + ":1: ignored: Dovecot setting base_dir is not used by Dovetail",
                inc + ":1: ignored: Dovecot setting auth_verbose is not used by Dovetail",
                inc + ":2: ignored: Dovecot setting auth_mechanisms is not used by Dovetail",
                f + ":3: ignored: Dovecot setting first_valid_uid is not used by Dovetail"), load(f).warnings());
    }

    @Test
    void ignoredPluginSettingsWarnToo() {
        Path f = write(dir.resolve("dovetail.conf"), "plugin {", "  quota = maildir:User quota",
                "  pop3_migration_mailbox = POP3/INBOX", "}");
        assertEquals(List.of(f + ":2: ignored: Dovecot setting quota is not used by Dovetail"), load(f).warnings());
    }

    @Test
    void ignoredSettingInOverrideWarnsWithDashO() {
        Path f = write(dir.resolve("dovetail.conf"), "");
        assertEquals(List.of("-o: ignored: Dovecot setting mail_debug is not used by Dovetail"),
                load(f, "mail_debug=yes").warnings());
    }

    @Test
    void dollarKeyOfAnIgnoredSettingExpands() {
        Path f = write(dir.resolve("dovetail.conf"), "mail_plugins = $mail_plugins quota", "mail_plugins = $mail_plugins zlib");
        assertEquals(List.of(f + ":1: ignored: Dovecot setting mail_plugins is not used by Dovetail"), load(f).warnings());
    }

    @Test
    void ignoredSettingMayUseFileReferenceWithoutTheFile() {
        Path f = write(dir.resolve("dovetail.conf"), "ssl_dh = </usr/share/dovecot/dh.pem", "ssl_ca = </nonexistent");
        assertEquals(2, load(f).warnings().size());
    }

    @Test
    void aCleanConfigHasNoWarnings() {
        Path f = write(dir.resolve("dovetail.conf"), "imapc_host = imap.example.com");
        assertEquals(List.of(), load(f).warnings());
    }
}
