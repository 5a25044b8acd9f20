package dovetail.conf;

import java.util.Objects;

/**
 * How Dovetail's POP3 server changes the maildrop, as Dovecot's pop3 does.
 *
 * @param deletedFlag   {@code pop3_deleted_flag}: the keyword DELE sets instead of expunging (and POP3 hides);
 *                      empty: DELE expunges
 * @param noFlagUpdates {@code pop3_no_flag_updates}: RETR leaves \Seen alone
 */
public record Pop3Settings(String deletedFlag, boolean noFlagUpdates) {
    public Pop3Settings {
        Objects.requireNonNull(deletedFlag, "deletedFlag");
    }

    /** Dovecot's defaults: DELE expunges, RETR sets \Seen. */
    public static final Pop3Settings DEFAULT = new Pop3Settings("", false);
}
