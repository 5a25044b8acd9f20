package dovetail.conf;

/** How Dovetail connects to a legacy server ({@code imapc_ssl}, {@code pop3c_ssl}). */
public enum LegacySsl {
    /** {@code no}: plain text. */
    NO,
    /** {@code imaps} / {@code pop3s}: TLS from the first byte. */
    IMPLICIT,
    /** {@code starttls}. */
    STARTTLS
}
