package dovetail.conf;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The legacy POP3 server ({@code pop3c_*}), used to carry POP3 UIDLs over.
 *
 * @param host empty when not set: then there is no POP3 UIDL migration (see {@link #configured()})
 * @param user {@code pop3c_user}, a {@link UserTemplate} such as {@code %u}
 */
public record Pop3cSettings(String host, int port, LegacySsl ssl, boolean sslVerify, String user,
                            Optional<String> masterUser, Optional<String> password, Set<Pop3cFeature> features) {
    public Pop3cSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(ssl, "ssl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(masterUser, "masterUser");
        Objects.requireNonNull(password, "password");
        features = Set.copyOf(features);
    }

    /** True when {@code pop3c_host} is set. */
    public boolean configured() {
        return !host.isEmpty();
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "Pop3cSettings[host=" + host + ", port=" + port + ", ssl=" + ssl + ", sslVerify=" + sslVerify
                + ", user=" + user + ", masterUser=" + masterUser.orElse("") + ", password="
                + (password.isPresent() ? "(set)" : "(none)") + ", features=" + features + "]";
    }
}
