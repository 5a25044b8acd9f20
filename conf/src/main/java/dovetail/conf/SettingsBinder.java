package dovetail.conf;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** Turns the final values of Dovetail's keys into {@link Settings}, checking each value and the rules between them. */
final class SettingsBinder {
    private static final Map<String, LegacySsl> IMAPC_SSL = choices("no", LegacySsl.NO, "imaps", LegacySsl.IMPLICIT,
            "starttls", LegacySsl.STARTTLS);
    private static final Map<String, LegacySsl> POP3C_SSL = choices("no", LegacySsl.NO, "pop3s", LegacySsl.IMPLICIT,
            "starttls", LegacySsl.STARTTLS);
    private static final Map<String, FsyncMode> FSYNC = choices("optimized", FsyncMode.OPTIMIZED,
            "always", FsyncMode.ALWAYS, "never", FsyncMode.NEVER);
    private static final Map<String, ImapcSettings.MasterLogin> MASTER_LOGIN = choices(
            "sasl", ImapcSettings.MasterLogin.SASL, "separator", ImapcSettings.MasterLogin.SEPARATOR);
    private static final String THROTTLE = "throttle:";

    private final Assignments values;

    SettingsBinder(Assignments values) {
        this.values = values;
    }

    Settings bind() {
        NetworkBinder network = new NetworkBinder(values);
        TlsSettings tls = network.tls();
        return new Settings(imapc(), pop3c(), pop3Migration(), migration(), store(), network.listeners(tls), tls,
                passdb(), masterUsers(), sweeper(), adminSocket(), pop3UidlFormat(), pop3(),
                get("recipient_delimiter").text(), Values.duration(get("auth_failure_delay"), ChronoUnit.SECONDS),
                Values.number(get("mail_max_userip_connections"), 0, Integer.MAX_VALUE), values.warnings());
    }

    private SettingValue get(String key) {
        return values.get(key);
    }

    ImapcSettings imapc() {
        LegacySsl ssl = Values.choice(get("imapc_ssl"), IMAPC_SSL);
        SettingValue maxIdle = get("imapc_max_idle_time");
        Duration maxIdleTime = Values.duration(maxIdle, ChronoUnit.SECONDS);
        if (maxIdleTime.isZero()) throw maxIdle.error("expected a time above 0, found " + maxIdle.shown());
        SettingValue featureValue = get("imapc_features");
        Set<ImapcFeature> features = EnumSet.noneOf(ImapcFeature.class);
        ImapcSettings.Throttle throttle = ImapcSettings.Throttle.DEFAULT;
        for (String word : Values.words(featureValue)) {
            if (word.startsWith(THROTTLE)) {
                throttle = throttle(featureValue, word);
            } else {
                features.add(feature(featureValue, word, ImapcFeature.values(), ImapcFeature::configName,
                        ", or throttle:INIT:MAX:SHRINK-MIN"));
            }
        }
        int port = port(get("imapc_port"), ssl == LegacySsl.IMPLICIT ? 993 : 143);
        return new ImapcSettings(host(get("imapc_host")), port, ssl, Values.bool(get("imapc_ssl_verify")),
                user(get("imapc_user")), masterUser(get("imapc_master_user")),
                Values.optional(get("imapc_password")), features, throttle, get("imapc_list_prefix").text(),
                Values.duration(get("imapc_cmd_timeout"), ChronoUnit.SECONDS),
                Values.number(get("imapc_connection_retry_count"), 0, Integer.MAX_VALUE),
                Values.duration(get("imapc_connection_retry_interval"), ChronoUnit.MILLIS), maxIdleTime,
                Values.choice(get("imapc_master_login"), MASTER_LOGIN));
    }

    Pop3cSettings pop3c() {
        LegacySsl ssl = Values.choice(get("pop3c_ssl"), POP3C_SSL);
        SettingValue featureValue = get("pop3c_features");
        Set<Pop3cFeature> features = EnumSet.noneOf(Pop3cFeature.class);
        for (String word : Values.words(featureValue)) {
            features.add(feature(featureValue, word, Pop3cFeature.values(), Pop3cFeature::configName, ""));
        }
        int port = port(get("pop3c_port"), ssl == LegacySsl.IMPLICIT ? 995 : 110);
        return new Pop3cSettings(host(get("pop3c_host")), port, ssl, Values.bool(get("pop3c_ssl_verify")),
                user(get("pop3c_user")), masterUser(get("pop3c_master_user")),
                Values.optional(get("pop3c_password")), features);
    }

    Pop3MigrationSettings pop3Migration() {
        return new Pop3MigrationSettings(get("pop3_migration_mailbox").text(),
                Values.pluginBool(get("pop3_migration_all_mailboxes")),
                Values.pluginBool(get("pop3_migration_ignore_missing_uidls")),
                Values.pluginBool(get("pop3_migration_ignore_extra_uidls")),
                Values.pluginBool(get("pop3_migration_ignore_invalid_uidls")),
                Values.pluginBool(get("pop3_migration_skip_size_check")));
    }

    MigrationSettings migration() {
        SettingValue featureValue = get("dsync_features");
        Set<DsyncFeature> features = EnumSet.noneOf(DsyncFeature.class);
        for (String word : Values.words(featureValue)) {
            features.add(feature(featureValue, word, DsyncFeature.values(), DsyncFeature::configName, ""));
        }
        return new MigrationSettings(Values.number(get("mail_prefetch_count"), 0, Integer.MAX_VALUE),
                Values.number(get("dsync_commit_msgs_interval"), 0, Integer.MAX_VALUE), features,
                Values.number(get("legacy_max_connections"), 1, Integer.MAX_VALUE),
                Values.duration(get("legacy_sync_window"), ChronoUnit.SECONDS));
    }

    StoreSettings store() {
        SettingValue location = get("mail_location");
        String text = location.text();
        if (!text.startsWith("maildir:")) {
            throw location.error("expected maildir:/path (Dovetail stores Maildir only), found " + location.shown());
        }
        String template = new StoreSettings(text, FsyncMode.OPTIMIZED).maildirTemplate();
        if (!template.startsWith("/")) {
            throw location.error("expected an absolute path after maildir: (Dovetail has no home directories), found "
                    + location.shown());
        }
        Values.template(location);
        if (!UserTemplate.namesUser(template)) {
            // Dovetail is always multi-user: without the user in the path, every login would open the same store.
            throw location.error("expected a path that names the user (%u or %n, e.g. maildir:/var/vmail/%d/%n/Maildir), "
                    + "found " + location.shown() + ", one store for every user");
        }
        return new StoreSettings(text, Values.choice(get("mail_fsync"), FSYNC));
    }

    Passdb passdb() {
        SettingValue v = get("passdb");
        if (v.text().equals("legacy")) return new Passdb.Legacy(Values.bool(get("proxy_not_trusted")));
        String prefix = "passwd-file:";
        if (v.text().startsWith(prefix) && v.text().length() > prefix.length()) {
            Path file = Values.path(v, v.text().substring(prefix.length()).trim());
            return new Passdb.PasswdFile(Values.readableFile(v, file));
        }
        throw v.error("expected legacy or passwd-file:/path, found " + (v.isEmpty() ? "nothing" : v.shown()));
    }

    MasterUsers masterUsers() {
        SettingValue v = get("master_passdb");
        Optional<Path> file = Optional.empty();
        if (!v.isEmpty()) {
            String prefix = "passwd-file:";
            if (!v.text().startsWith(prefix) || v.text().length() == prefix.length()) {
                throw v.error("expected passwd-file:/path (or nothing: no master users), found " + v.shown());
            }
            file = Optional.of(Values.readableFile(v, Values.path(v, v.text().substring(prefix.length()).trim())));
        }
        SettingValue separator = get("auth_master_user_separator");
        // Dovecot looks only at the first character (auth-request-fields.c); more is surely a mistake here.
        if (separator.text().length() > 1 || (!separator.isEmpty() && !isSeparator(separator.text().charAt(0)))) {
            throw separator.error("expected one character such as *, or nothing, found " + separator.shown());
        }
        return new MasterUsers(file, separator.text());
    }

    private static boolean isSeparator(char c) {
        return c > ' ' && c < 0x7f && c != '"' && c != '\\';
    }

    SweeperSettings sweeper() {
        return new SweeperSettings(Values.bool(get("sweeper")), Values.readableFile(get("sweeper_users")),
                Values.number(get("sweeper_concurrency"), 1, Integer.MAX_VALUE),
                Values.number(get("sweeper_rate"), 0, Integer.MAX_VALUE));
    }

    Path adminSocket() {
        SettingValue v = get("admin_socket");
        if (v.isEmpty()) throw v.error("expected the path of the admin socket, found nothing");
        return Values.path(v, v.text());
    }

    String pop3UidlFormat() {
        SettingValue v = get("pop3_uidl_format");
        if (v.isEmpty()) throw v.error("expected a UIDL format such as %08Xu%08Xv, found nothing");
        return v.text();
    }

    Pop3Settings pop3() {
        return new Pop3Settings(pop3DeletedFlag(), Values.bool(get("pop3_no_flag_updates")));
    }

    /** A keyword (an IMAP atom, RFC 3501 §9), or empty. */
    private String pop3DeletedFlag() {
        SettingValue v = get("pop3_deleted_flag");
        boolean atom = v.text().chars().allMatch(c -> c > ' ' && c < 0x7f && "(){%*\"\\]".indexOf(c) < 0);
        if (!atom || v.text().startsWith("\\")) {
            throw v.error("expected a keyword such as $POP3Deleted, found " + v.shown());
        }
        return v.text();
    }

    private static String host(SettingValue v) {
        if (v.text().chars().anyMatch(c -> c <= ' ' || c == '/')) {
            throw v.error("expected a host name or IP address, found " + v.shown());
        }
        return v.text();
    }

    private static int port(SettingValue v, int defaultPort) {
        return v.assigned() ? Values.number(v, 1, 65535) : defaultPort;
    }

    /** imapc_user / pop3c_user: a template; empty means the user's own name (%u), as in Dovecot. */
    private static String user(SettingValue v) {
        return v.isEmpty() ? "%u" : Values.template(v);
    }

    /** imapc_master_user / pop3c_master_user: a template; empty = no master user. */
    private static Optional<String> masterUser(SettingValue v) {
        return v.isEmpty() ? Optional.empty() : Optional.of(Values.template(v));
    }

    private static ImapcSettings.Throttle throttle(SettingValue v, String word) {
        String[] parts = word.substring(THROTTLE.length()).split(":", -1);
        String expected = "expected throttle:INIT:MAX:SHRINK-MIN in milliseconds, e.g. throttle:50:16000:500, found '"
                + word + "'";
        if (parts.length != 3) throw v.error(expected);
        long[] ms = new long[3];
        for (int i = 0; i < 3; i++) {
            if (parts[i].isEmpty() || parts[i].length() > 9 || !parts[i].chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw v.error(expected);
            }
            ms[i] = Long.parseLong(parts[i]);
        }
        return new ImapcSettings.Throttle(Duration.ofMillis(ms[0]), Duration.ofMillis(ms[1]), Duration.ofMillis(ms[2]));
    }

    private static <E> E feature(SettingValue v, String word, E[] all, Function<E, String> name, String more) {
        for (E e : all) {
            if (name.apply(e).equals(word)) return e;
        }
        List<String> names = new ArrayList<>();
        for (E e : all) names.add(name.apply(e));
        throw v.error("expected features from " + String.join(", ", names) + more + "; found unknown '" + word + "'");
    }

    @SuppressWarnings("unchecked")
    static <E> Map<String, E> choices(Object... pairs) {
        Map<String, E> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) m.put((String) pairs[i], (E) pairs[i + 1]);
        return m;
    }
}
