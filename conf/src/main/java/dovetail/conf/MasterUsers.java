package dovetail.conf;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Master users of Dovetail's own front-end: they log in with their own password and get any user's mailbox,
 * as {@code user*master} (LOGIN) or with SASL PLAIN and an authorization id, like Dovecot's master passdb.
 *
 * @param passwdFile {@code master_passdb = passwd-file:/path} (Dovecot's format); empty: no master users
 * @param separator  {@code auth_master_user_separator}, one character; "" turns off the {@code user*master} form
 */
public record MasterUsers(Optional<Path> passwdFile, String separator) {
    public MasterUsers {
        Objects.requireNonNull(passwdFile, "passwdFile");
        Objects.requireNonNull(separator, "separator");
        if (separator.length() > 1) {
            throw new IllegalArgumentException("separator: one character or none, found '" + separator + "'");
        }
    }

    public boolean enabled() {
        return passwdFile.isPresent();
    }
}
