package dovetail.conf;

import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The three groups of setting names: Dovetail's (with their default values as written in a config file),
 * Dovecot 2.3's that Dovetail accepts and ignores, and everything else (an error). Also the block kinds.
 */
final class KnownKeys {
    enum Group { DOVETAIL, DOVECOT_IGNORED, UNKNOWN }

    /** Dovetail's keys and their defaults, in the order they are documented. */
    static final Map<String, String> DEFAULTS = defaults();

    /** Keys whose value is never repeated in a message. */
    private static final Set<String> SECRET = Set.of("imapc_password", "pop3c_password", "ssl_key");

    /** Keys whose {@code <path} value stays a path (Dovecot would read the file's contents). */
    private static final Set<String> PATH_KEYS = Set.of("ssl_cert", "ssl_key");
    /**
     * Keys whose value is an IMAP keyword, which may start with '$' ({@code pop3_deleted_flag = $POP3Deleted}, as
     * Dovecot's documentation writes it): not a variable; doveconf keeps it as it is.
     */
    private static final Set<String> KEYWORD_KEYS = Set.of("pop3_deleted_flag");

    /** Dovecot 2.3 settings (core, auth, plugins, Pigeonhole) that Dovetail does not use. */
    private static final Set<String> DOVECOT = Set.copyOf(Arrays.asList("""
            acl acl_shared_dict auth_anonymous_username auth_cache_negative_ttl auth_cache_size auth_cache_ttl
            auth_cache_verify_password_with_worker auth_debug auth_debug_passwords auth_default_realm
            auth_gssapi_hostname auth_krb5_keytab
            auth_mechanisms auth_policy_check_after_auth auth_policy_check_before_auth auth_policy_hash_mech
            auth_policy_hash_nonce auth_policy_hash_truncate auth_policy_log_only auth_policy_reject_on_fail
            auth_policy_report_after_auth auth_policy_request_attributes auth_policy_server_api_header
            auth_policy_server_timeout_msecs auth_policy_server_url auth_proxy_self auth_realms
            auth_socket_path auth_ssl_require_client_cert auth_ssl_username_from_cert auth_stats
            auth_use_winbind auth_username_chars auth_username_format auth_username_translation auth_verbose
            auth_verbose_passwords auth_winbind_helper_path auth_worker_max_count base_dir config_cache_size
            debug_log_path default_client_limit default_idle_kill default_internal_group default_internal_user
            default_login_user default_process_limit default_vsz_limit deliver_log_format dict_db_config
            director_flush_socket director_mail_servers director_max_parallel_kicks
            director_max_parallel_moves director_output_buffer_size director_ping_idle_timeout
            director_ping_max_timeout director_servers director_user_expire director_user_kick_delay
            director_username_hash dotlock_use_excl doveadm_allowed_commands
            doveadm_api_key doveadm_http_rawlog_dir doveadm_password doveadm_port doveadm_socket_path
            doveadm_ssl doveadm_username doveadm_worker_count dsync_alt_char dsync_hashed_headers
            dsync_remote_cmd expire expire_dict first_valid_gid first_valid_uid fts fts_autoindex
            fts_autoindex_exclude fts_languages fts_solr haproxy_timeout haproxy_trusted_networks hostname
            imap_capability imap_client_workarounds imap_fetch_failure imap_hibernate_timeout imap_id_log
            imap_id_retain imap_id_send imap_idle_notify_interval imap_literal_minus imap_logout_format
            imap_max_line_length imap_metadata imap_urlauth_host imap_urlauth_logout_format imap_urlauth_port
            imap_urlauth_stream_user imap_urlauth_submit_user imapc_max_line_length imapc_rawlog_dir
            imapc_sasl_mechanisms import_environment info_log_path instance_name last_login_dict
            last_login_key last_valid_gid last_valid_uid lazy_expunge lda_mailbox_autocreate
            lda_mailbox_autosubscribe lda_original_recipient_header libexec_dir listen
            lmtp_add_received_header lmtp_client_workarounds lmtp_hdr_delivery_address lmtp_proxy
            lmtp_proxy_rawlog_dir lmtp_rawlog_dir lmtp_rcpt_check_quota lmtp_save_to_detail_mailbox
            lmtp_user_concurrency_limit lmtp_verbose_replies lock_method log_core_filter log_debug log_path
            log_timestamp login_access_sockets login_greeting login_log_format login_log_format_elements
            login_plugin_dir login_plugins login_proxy_max_disconnect_delay login_proxy_max_reconnects
            login_proxy_notify_path login_proxy_rawlog_dir login_proxy_timeout login_source_ips
            login_trusted_networks mail_access_groups mail_always_cache_fields
            mail_attachment_detection_options mail_attachment_dir mail_attachment_fs mail_attachment_hash
            mail_attachment_min_size mail_attribute_dict mail_cache_fields mail_cache_max_size
            mail_cache_min_mail_count mail_cache_purge_continued_percentage mail_cache_purge_delete_percentage
            mail_cache_purge_header_continue_count mail_cache_purge_min_size mail_cache_record_max_size
            mail_cache_unaccessed_field_drop mail_chroot mail_debug mail_full_filesystem_access mail_gid
            mail_home mail_index_log2_max_age mail_index_log_rotate_max_size mail_index_log_rotate_min_age
            mail_index_log_rotate_min_size mail_index_rewrite_max_log_bytes mail_index_rewrite_min_log_bytes
            mail_log_events mail_log_fields mail_log_prefix mail_max_keyword_length mail_max_lock_timeout
            mail_never_cache_fields mail_nfs_index mail_nfs_storage
            mail_plugin_dir mail_plugins mail_privileged_group mail_replica mail_save_crlf mail_server_admin
            mail_server_comment mail_shared_explicit_inbox mail_sort_max_read_count mail_temp_dir
            mail_temp_scan_interval mail_uid mail_vsize_bg_after_count mailbox_idle_check_interval
            mailbox_list_index mailbox_list_index_include_inbox mailbox_list_index_very_dirty_syncs
            maildir_broken_filename_sizes maildir_copy_with_hardlinks maildir_empty_new maildir_stat_dirs
            maildir_very_dirty_syncs managesieve_implementation_string managesieve_logout_format
            managesieve_max_compile_errors managesieve_max_line_length managesieve_notify_capability
            managesieve_sieve_capability mbox_dirty_syncs mbox_dotlock_change_timeout mbox_lazy_writes
            mbox_lock_timeout mbox_md5 mbox_min_index_size mbox_read_locks mbox_very_dirty_syncs
            mbox_write_locks mdbox_preallocate_space mdbox_rotate_interval mdbox_rotate_size mmap_disable
            notify_status_mailbox old_stats_carbon_interval old_stats_carbon_name old_stats_carbon_server
            old_stats_command_min_time old_stats_domain_min_time old_stats_ip_min_time old_stats_memory_limit
            old_stats_session_min_time old_stats_user_min_time pop3_client_workarounds pop3_delete_type
            pop3_enable_last pop3_fast_size_lookups pop3_lock_session pop3_logout_format
            pop3_migration_skip_uidl_cache pop3_reuse_xuidl pop3_save_uidl
            pop3_uidl_duplicates pop3c_quick_received_date pop3c_rawlog_dir postmaster_address
            process_shutdown_filter protocols push_notification_driver quota quota_exceeded_message
            quota_full_tempfail quota_grace quota_rule quota_rule2 quota_status_nouser quota_status_overquota
            quota_status_success quota_warning quota_warning2 rawlog_dir rejection_reason
            rejection_subject replication_dsync_parameters replication_full_sync_interval
            replication_max_conns replicator_host replicator_port sendmail_path shutdown_clients sieve
            sieve_after sieve_before sieve_dir sieve_execute_bin_dir sieve_extensions sieve_filter_bin_dir
            sieve_global sieve_global_dir sieve_global_extensions sieve_pipe_bin_dir sieve_plugins
            ssl_alt_cert ssl_alt_key ssl_ca ssl_cert_username_field ssl_cipher_list ssl_cipher_suites
            ssl_client_cert ssl_client_key ssl_client_require_valid_cert ssl_crypto_device ssl_curve_list
            ssl_dh ssl_key_password ssl_options ssl_prefer_server_ciphers ssl_require_crl
            ssl_verify_client_cert state_dir stats_http_rawlog_dir stats_writer_socket_path
            submission_backend_capabilities submission_client_workarounds submission_host
            submission_logout_format submission_max_mail_size submission_max_recipients
            submission_relay_command_timeout submission_relay_connect_timeout submission_relay_host
            submission_relay_master_user submission_relay_max_idle_time submission_relay_password
            submission_relay_port submission_relay_rawlog_dir submission_relay_ssl submission_relay_ssl_verify
            submission_relay_trusted submission_relay_user submission_ssl submission_timeout syslog_facility
            trash valid_chroot_dirs verbose_proctitle verbose_ssl version_ignore welcome_script zlib_save
            zlib_save_level
            """.trim().split("\\s+")));

    /** Dovecot blocks whose contents Dovetail ignores. {@code plugin} is read, see {@link #PLUGIN_BLOCK}. */
    private static final Set<String> DOVECOT_BLOCKS = Set.of(
            "protocol", "local", "remote", "local_name", "service", "inet_listener", "unix_listener",
            "fifo_listener", "namespace", "mailbox", "passdb", "userdb", "dict", "metric", "event_exporter");

    static final String PLUGIN_BLOCK = "plugin";

    private KnownKeys() {
    }

    private static Map<String, String> defaults() {
        Map<String, String> m = new LinkedHashMap<>();
        // legacy IMAP (Dovecot's imapc)
        m.put("imapc_host", "");
        m.put("imapc_port", "143");
        m.put("imapc_ssl", "no");
        m.put("imapc_ssl_verify", "yes");
        m.put("ssl_client_ca_dir", "");
        m.put("ssl_client_ca_file", "");
        m.put("imapc_user", "%u");
        m.put("imapc_master_user", "");
        m.put("imapc_master_login", "sasl");
        m.put("imapc_password", "");
        m.put("imapc_features", "");
        m.put("imapc_list_prefix", "");
        m.put("imapc_cmd_timeout", "5 mins");
        m.put("imapc_connection_retry_count", "1");
        m.put("imapc_connection_retry_interval", "1 secs");
        m.put("imapc_max_idle_time", "29 mins");
        // migration (dsync)
        m.put("mail_prefetch_count", "0");
        m.put("dsync_commit_msgs_interval", "100");
        m.put("dsync_features", "");
        m.put("legacy_max_connections", "20");
        m.put("legacy_sync_window", "72h");
        // legacy POP3 (Dovecot's pop3c and pop3_migration plugin)
        m.put("pop3c_host", "");
        m.put("pop3c_port", "110");
        m.put("pop3c_ssl", "no");
        m.put("pop3c_ssl_verify", "yes");
        m.put("pop3c_user", "%u");
        m.put("pop3c_master_user", "");
        m.put("pop3c_password", "");
        m.put("pop3c_features", "");
        m.put("pop3_migration_mailbox", "");
        m.put("pop3_migration_all_mailboxes", "no");
        m.put("pop3_migration_ignore_missing_uidls", "no");
        m.put("pop3_migration_ignore_extra_uidls", "no");
        m.put("pop3_migration_ignore_invalid_uidls", "no");
        m.put("pop3_migration_skip_size_check", "no");
        m.put("pop3_uidl_format", "%08Xu%08Xv");
        m.put("pop3_deleted_flag", "");
        m.put("pop3_no_flag_updates", "no");
        m.put("recipient_delimiter", "+");
        m.put("auth_failure_delay", "2 secs");
        m.put("mail_max_userip_connections", "10");
        // store
        m.put("mail_location", "maildir:/var/vmail/%d/%n/Maildir");
        m.put("mail_fsync", "optimized");
        // Dovetail's own
        m.put("imap_listen", "0.0.0.0:143");
        m.put("imaps_listen", "0.0.0.0:993");
        m.put("pop3_listen", "0.0.0.0:110");
        m.put("pop3s_listen", "0.0.0.0:995");
        m.put("lmtp_listen", "127.0.0.1:24");
        m.put("lmtp_socket_mode", "0660");
        m.put("admin_socket", "/run/dovetail/admin.sock");
        m.put("ssl", "no");
        m.put("ssl_cert", "");
        m.put("ssl_key", "");
        m.put("disable_plaintext_auth", "yes");
        m.put("ssl_min_protocol", "TLSv1.2");
        m.put("passdb", "legacy");
        m.put("proxy_not_trusted", "no");
        m.put("master_passdb", "");
        m.put("auth_master_user_separator", "*");
        m.put("sweeper", "yes");
        m.put("sweeper_users", "");
        m.put("sweeper_concurrency", "4");
        m.put("sweeper_rate", "0");
        return java.util.Collections.unmodifiableMap(m);
    }

    static Group group(String key) {
        if (DEFAULTS.containsKey(key)) return Group.DOVETAIL;
        if (DOVECOT.contains(key)) return Group.DOVECOT_IGNORED;
        return Group.UNKNOWN;
    }

    /** What {@code $key} expands to before the key is assigned; empty if no such setting. */
    static Optional<String> defaultForExpansion(String key) {
        if (DEFAULTS.containsKey(key)) return Optional.of(DEFAULTS.get(key));
        if (DOVECOT.contains(key)) return Optional.of("");
        return Optional.empty();
    }

    static boolean isSecret(String key) {
        return SECRET.contains(key);
    }

    static boolean isKeywordKey(String key) {
        return KEYWORD_KEYS.contains(key);
    }

    static boolean isPathKey(String key) {
        return PATH_KEYS.contains(key);
    }

    static boolean isDovecotBlock(String kind) {
        return DOVECOT_BLOCKS.contains(kind);
    }

    /** Names Dovecot used before 2.2, which 2.3 no longer knows (the migration guide still shows them), and now. */
    private static final Map<String, String> RENAMED = Map.of(
            "imapc_ssl_ca_dir", "ssl_client_ca_dir",
            "pop3c_ssl_ca_dir", "ssl_client_ca_dir");

    /** " (did you mean X?)" for a near miss among all known keys, or "". */
    static String suggestion(String key) {
        if (RENAMED.containsKey(key)) {
            return " (Dovecot 2.2 renamed it " + RENAMED.get(key) + ")";
        }
        return Stream.concat(DEFAULTS.keySet().stream(), DOVECOT.stream())
                .map(k -> Map.entry(k, distance(key, k)))
                .filter(e -> e.getValue() <= Math.max(1, Math.min(3, key.length() / 4)))
                .min(Comparator.comparingInt((Map.Entry<String, Integer> e) -> e.getValue())
                        .thenComparing(e -> group(e.getKey()) == Group.DOVETAIL ? 0 : 1)
                        .thenComparing(Map.Entry::getKey))
                .map(e -> " (did you mean " + e.getKey() + "?)")
                .orElse("");
    }

    /** Names for a message: "a, b or c". */
    static String orList(java.util.Collection<String> names) {
        java.util.List<String> l = java.util.List.copyOf(names);
        if (l.size() == 1) return l.get(0);
        return l.subList(0, l.size() - 1).stream().collect(Collectors.joining(", ")) + " or " + l.get(l.size() - 1);
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
