package dovetail.conf;

/** Dovetail's own listeners ({@code ssl}). */
public enum SslMode {
    /** No TLS: no STARTTLS, no imaps/pop3s listeners. */
    NO,
    /** STARTTLS offered, imaps/pop3s listeners allowed. */
    YES,
    /** As YES, and no password before TLS except on loopback. */
    REQUIRED
}
