package dovetail.conf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class KnownKeysTest {
    @Test
    void dovetailKeysAreNotAlsoIgnored() {
        for (String key : KnownKeys.DEFAULTS.keySet()) {
            assertEquals(KnownKeys.Group.DOVETAIL, KnownKeys.group(key), key);
        }
    }

    @Test
    void everyDefaultIsValid() {
        List<String> overrides = KnownKeys.DEFAULTS.entrySet().stream()
                .filter(e -> !e.getKey().equals("imaps_listen") && !e.getKey().equals("pop3s_listen"))
                .map(e -> e.getKey() + "=" + e.getValue()).toList();
        assertEquals(Settings.defaults(), ConfigLoader.load(overrides));
    }

    @Test
    void seedAndContractKeysAreDovetailKeys() {
        for (String key : List.of("imapc_host", "imapc_port", "imapc_user", "imapc_master_user", "imapc_password",
                "imapc_ssl", "imapc_ssl_verify", "imapc_features", "imapc_list_prefix", "ssl_client_ca_dir",
                "pop3c_host", "pop3c_port", "pop3c_user", "pop3c_master_user", "pop3c_password", "pop3c_ssl",
                "pop3c_ssl_verify", "mail_prefetch_count", "dsync_commit_msgs_interval", "dsync_features", "mail_fsync",
                "pop3_migration_mailbox", "imap_listen", "imaps_listen", "pop3_listen", "pop3s_listen", "lmtp_listen",
                "admin_socket", "ssl", "ssl_cert", "ssl_key", "passdb", "mail_location", "sweeper", "sweeper_users",
                "sweeper_concurrency", "sweeper_rate", "legacy_max_connections", "legacy_sync_window",
                "mail_max_userip_connections")) {
            assertEquals(KnownKeys.Group.DOVETAIL, KnownKeys.group(key), key);
        }
    }

    @Test
    void commonDovecotKeysAreIgnored() {
        for (String key : List.of("protocols", "listen", "base_dir", "log_path", "info_log_path", "mail_plugins",
                "auth_verbose", "auth_mechanisms", "first_valid_uid", "mail_uid", "mail_gid",
                "postmaster_address", "ssl_cipher_list",
                "imapc_rawlog_dir", "pop3c_rawlog_dir", "mail_debug", "auth_debug", "verbose_ssl", "ssl_dh")) {
            assertEquals(KnownKeys.Group.DOVECOT_IGNORED, KnownKeys.group(key), key);
        }
    }

    @Test
    void suggestsNearMisses() {
        assertEquals(" (did you mean imapc_master_user?)", KnownKeys.suggestion("imapc_masteruser"));
        assertEquals(" (Dovecot 2.2 renamed it ssl_client_ca_dir)", KnownKeys.suggestion("imapc_ssl_ca_dir"));
        assertEquals(" (Dovecot 2.2 renamed it ssl_client_ca_dir)", KnownKeys.suggestion("pop3c_ssl_ca_dir"));
        assertEquals(" (did you mean sweeper_concurrency?)", KnownKeys.suggestion("sweeper_concurency"));
        assertTrue(KnownKeys.suggestion("xyz").isEmpty());
    }
}
