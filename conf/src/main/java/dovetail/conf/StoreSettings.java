package dovetail.conf;

import java.util.Objects;

/**
 * The local store.
 *
 * @param mailLocation {@code mail_location} as written, e.g. {@code maildir:/var/vmail/%d/%n/Maildir}
 * @param fsync        {@code mail_fsync}
 */
public record StoreSettings(String mailLocation, FsyncMode fsync) {
    public StoreSettings {
        Objects.requireNonNull(mailLocation, "mailLocation");
        Objects.requireNonNull(fsync, "fsync");
    }

    /**
     * The Maildir path template: {@code mail_location} without {@code maildir:} and without Dovecot's
     * {@code :KEY=value} options, e.g. {@code /var/vmail/%d/%n/Maildir}. Expand it with {@link UserTemplate}.
     */
    public String maildirTemplate() {
        String rest = mailLocation.substring(mailLocation.indexOf(':') + 1);
        int colon = rest.indexOf(':');
        return colon < 0 ? rest : rest.substring(0, colon);
    }
}
