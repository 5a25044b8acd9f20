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
    private static final Map<String, SslMode> SSL = choices("no", SslMode.NO, "yes", SslMode.YES,
            "required", SslMode.REQUIRED);
    private static final Map<String, FsyncMode> FSYNC = choices("optimized", FsyncMode.OPTIMIZED,
            "always", FsyncMode.ALWAYS, "never", FsyncMode.NEVER);
    private static final String THROTTLE = "throttle:";

    private final Assignments values;

    SettingsBinder(Assignments values) {
        this.values = values;
    }

    Settings bind() {
        TlsSettings tls = tls();
        return new Settings(imapc(), pop3c(), pop3Migration(), migration(), store(), listeners(tls), tls,
                passdb(), sweeper(), adminSocket(), pop3UidlFormat(), values.warnings());
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
        return new ImapcSettings(host(get("imapc_host")), port(get("imapc_port"), ssl == LegacySsl.IMPLICIT ? 993 : 143),
                ssl, Values.bool(get("imapc_ssl_verify")), user(get("imapc_user")),
                Values.optional(get("imapc_master_user")).map(u -> Values.template(get("imapc_master_user"))),
                Values.optional(get("imapc_password")), features, throttle, get("imapc_list_prefix").text(),
                Values.duration(get("imapc_cmd_timeout"), ChronoUnit.SECONDS),
                Values.number(get("imapc_connection_retry_count"), 0, Integer.MAX_VALUE),
                Values.duration(get("imapc_connection_retry_interval"), ChronoUnit.MILLIS), maxIdleTime);
    }

    Pop3cSettings pop3c() {
        LegacySsl ssl = Values.choice(get("pop3c_ssl"), POP3C_SSL);
        SettingValue featureValue = get("pop3c_features");
        Set<Pop3cFeature> features = EnumSet.noneOf(Pop3cFeature.class);
        for (String word : Values.words(featureValue)) {
            features.add(feature(featureValue, word, Pop3cFeature.values(), Pop3cFeature::configName, ""));
        }
        return new Pop3cSettings(host(get("pop3c_host")), port(get("pop3c_port"), ssl == LegacySsl.IMPLICIT ? 995 : 110),
                ssl, Values.bool(get("pop3c_ssl_verify")), user(get("pop3c_user")),
                Values.optional(get("pop3c_master_user")).map(u -> Values.template(get("pop3c_master_user"))),
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
        return new StoreSettings(text, Values.choice(get("mail_fsync"), FSYNC));
    }

    TlsSettings tls() {
        SettingValue certValue = get("ssl_cert");
        SettingValue keyValue = get("ssl_key");
        Optional<Path> cert = pem(certValue);
        Optional<Path> key = pem(keyValue);
        if (cert.isPresent() && key.isEmpty()) throw certValue.error("expected ssl_key to be set too, found no ssl_key");
        if (key.isPresent() && cert.isEmpty()) throw keyValue.error("expected ssl_cert to be set too, found no ssl_cert");
        SettingValue sslValue = get("ssl");
        SslMode mode = sslValue.assigned() ? Values.choice(sslValue, SSL) : cert.isPresent() ? SslMode.YES : SslMode.NO;
        if (mode != SslMode.NO && cert.isEmpty()) {
            throw sslValue.error("expected ssl_cert and ssl_key with ssl = " + sslValue.text()
                    + ", found no ssl_cert");
        }
        return new TlsSettings(mode, cert, key, Values.directory(get("ssl_client_ca_dir")),
                Values.readableFile(get("ssl_client_ca_file")));
    }

    /** ssl_cert / ssl_key: {@code <path} of a readable file, as in Dovecot; empty = not set. */
    private static Optional<Path> pem(SettingValue v) {
        if (v.isEmpty()) return Optional.empty();
        if (!v.fileRef()) {
            throw v.error("expected <path (a '<' and the PEM file's name, as in Dovecot), found " + v.shown());
        }
        return Values.readableFile(v);
    }

    ListenerSettings listeners(TlsSettings tls) {
        List<SettingValue> used = new ArrayList<>();
        Optional<Endpoint.Tcp> imap = distinct(Values.tcp(get("imap_listen")), get("imap_listen"), used);
        Optional<Endpoint.Tcp> imaps = distinct(tlsListener(get("imaps_listen"), tls), get("imaps_listen"), used);
        Optional<Endpoint.Tcp> pop3 = distinct(Values.tcp(get("pop3_listen")), get("pop3_listen"), used);
        Optional<Endpoint.Tcp> pop3s = distinct(tlsListener(get("pop3s_listen"), tls), get("pop3s_listen"), used);
        SettingValue lmtpValue = get("lmtp_listen");
        Optional<Endpoint> lmtp = Values.tcpOrUnix(lmtpValue);
        if (lmtp.isPresent() && lmtp.get() instanceof Endpoint.Tcp) distinct(Optional.of((Endpoint.Tcp) lmtp.get()), lmtpValue, used);
        return new ListenerSettings(imap, imaps, pop3, pop3s, lmtp);
    }

    /** imaps/pop3s: on by default only with TLS; set explicitly without TLS is an error. */
    private Optional<Endpoint.Tcp> tlsListener(SettingValue v, TlsSettings tls) {
        if (!v.assigned() && !tls.enabled()) return Optional.empty();
        Optional<Endpoint.Tcp> endpoint = Values.tcp(v);
        if (endpoint.isPresent() && !tls.enabled()) {
            SettingValue ssl = get("ssl");
            throw v.error(ssl.assigned()
                    ? "expected ssl = yes or required for a TLS listener, found ssl = no (" + ssl.origin().where() + ")"
                    : "expected ssl_cert and ssl_key for a TLS listener, found no ssl_cert");
        }
        return endpoint;
    }

    /** Two listeners on one port (other than 0) of one address, or of a wildcard address, cannot both bind. */
    private static Optional<Endpoint.Tcp> distinct(Optional<Endpoint.Tcp> endpoint, SettingValue v, List<SettingValue> used) {
        if (endpoint.isEmpty() || endpoint.get().port() == 0) return endpoint;
        Endpoint.Tcp e = endpoint.get();
        for (SettingValue other : used) {
            Endpoint.Tcp o = Values.tcp(other).orElseThrow();
            if (o.port() == e.port() && (o.host().equals(e.host()) || wildcard(o.host()) || wildcard(e.host()))) {
                throw v.error("expected a port that " + other.key() + " (" + o + ") does not use, found " + e);
            }
        }
        used.add(v);
        return endpoint;
    }

    private static boolean wildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::");
    }

    Passdb passdb() {
        SettingValue v = get("passdb");
        if (v.text().equals("legacy")) return new Passdb.Legacy();
        String prefix = "passwd-file:";
        if (v.text().startsWith(prefix) && v.text().length() > prefix.length()) {
            return new Passdb.PasswdFile(Values.readableFile(v, Values.path(v, v.text().substring(prefix.length()).trim())));
        }
        throw v.error("expected legacy or passwd-file:/path, found " + (v.isEmpty() ? "nothing" : v.shown()));
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
    private static <E> Map<String, E> choices(Object... pairs) {
        Map<String, E> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) m.put((String) pairs[i], (E) pairs[i + 1]);
        return m;
    }
}
