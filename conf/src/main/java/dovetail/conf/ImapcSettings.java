package dovetail.conf;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The legacy IMAP server ({@code imapc_*}, {@code ssl_client_ca_*} is in {@link TlsSettings}).
 *
 * @param host       {@code imapc_host}; empty when not set (see {@link #configured()})
 * @param user       {@code imapc_user}, a {@link UserTemplate} such as {@code %u}
 * @param masterUser {@code imapc_master_user}; with it Dovetail logs in as {@code user} authorised by the master
 * @param masterLogin {@code imapc_master_login}: how the master user logs in as the user
 * @param features   {@code imapc_features} without the throttle word
 * @param throttle   from {@code throttle:INIT:MAX:SHRINK-MIN} in {@code imapc_features}, or Dovecot's defaults
 */
public record ImapcSettings(String host, int port, LegacySsl ssl, boolean sslVerify, String user,
                            Optional<String> masterUser, Optional<String> password, Set<ImapcFeature> features,
                            Throttle throttle, String listPrefix, Duration cmdTimeout, int connectionRetryCount,
                            Duration connectionRetryInterval, Duration maxIdleTime, MasterLogin masterLogin) {

    /** {@code imapc_master_login}: how {@code imapc_master_user} logs in on behalf of a user. */
    public enum MasterLogin {
        /** {@code sasl}: AUTHENTICATE PLAIN, authorization id = the user, authentication id = the master (RFC 4616). */
        SASL,
        /** {@code separator}: {@code LOGIN user*master password}, as Dovecot's auth_master_user_separator expects. */
        SEPARATOR
    }

    /** How Dovecot backs off when the server answers [THROTTLED]: start, maximum, and the least it shrinks to. */
    public record Throttle(Duration init, Duration max, Duration shrinkMin) {
        /** Dovecot's defaults: 50 ms, 16 s, 500 ms. */
        public static final Throttle DEFAULT =
                new Throttle(Duration.ofMillis(50), Duration.ofMillis(16000), Duration.ofMillis(500));

        public Throttle {
            Objects.requireNonNull(init, "init");
            Objects.requireNonNull(max, "max");
            Objects.requireNonNull(shrinkMin, "shrinkMin");
        }
    }

    public ImapcSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(ssl, "ssl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(masterUser, "masterUser");
        Objects.requireNonNull(password, "password");
        features = Set.copyOf(features);
        Objects.requireNonNull(throttle, "throttle");
        Objects.requireNonNull(listPrefix, "listPrefix");
        Objects.requireNonNull(cmdTimeout, "cmdTimeout");
        Objects.requireNonNull(connectionRetryInterval, "connectionRetryInterval");
        Objects.requireNonNull(maxIdleTime, "maxIdleTime");
        Objects.requireNonNull(masterLogin, "masterLogin");
    }

    /** True when {@code imapc_master_user} is set (not empty). */
    public boolean hasMasterUser() {
        return masterUser.filter(m -> !m.isEmpty()).isPresent();
    }

    /** The master user that logs in as {@code user}: {@code imapc_master_user} with its variables ({@code %d}) set. */
    public Optional<String> masterUserFor(String user) {
        return masterUser.filter(m -> !m.isEmpty()).map(m -> UserTemplate.expand(m, user));
    }

    /** True when {@code imapc_host} is set. */
    public boolean configured() {
        return !host.isEmpty();
    }

    public boolean has(ImapcFeature feature) {
        return features.contains(feature);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "ImapcSettings[host=" + host + ", port=" + port + ", ssl=" + ssl + ", sslVerify=" + sslVerify
                + ", user=" + user + ", masterUser=" + masterUser.orElse("") + ", masterLogin=" + masterLogin + ", password="
                + (password.isPresent() ? "(set)" : "(none)") + ", features=" + features + ", throttle=" + throttle
                + ", listPrefix=" + listPrefix + ", cmdTimeout=" + cmdTimeout + ", connectionRetryCount="
                + connectionRetryCount + ", connectionRetryInterval=" + connectionRetryInterval
                + ", maxIdleTime=" + maxIdleTime + "]";
    }
}
