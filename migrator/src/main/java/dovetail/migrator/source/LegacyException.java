package dovetail.migrator.source;

import java.time.Duration;
import java.util.Optional;

/**
 * The one exception of the legacy-source layer: a closed {@link Kind} that callers switch on (retry,
 * back off, stop loudly), plus a message for the operator. Messages never contain passwords.
 */
public final class LegacyException extends RuntimeException {
  /** The closed set of legacy-source failures. */
  public enum Kind {
    /** The server rejected the credentials (LOGIN/AUTHENTICATE NO). Retrying will not help. */
    AUTH_FAILED,
    /** Connection refused, dropped or timed out, or BYE: retry later with backoff. */
    UNAVAILABLE,
    /**
     * The server asked us to slow down: {@code [LIMIT]}, {@code [THROTTLED]}, {@code [UNAVAILABLE]}
     * (RFC 5530), Gmail's "Too many simultaneous connections", Exchange's "Request is throttled".
     * See {@link #retryAfter()}.
     */
    THROTTLED,
    /** EXAMINE said NO: the folder is gone (or not accessible). */
    FOLDER_NOT_FOUND,
    /** The folder's UIDVALIDITY changed while we worked on it: its UIDs must not be mixed. */
    UIDVALIDITY_CHANGED,
    /** TLS could not be set up: no STARTTLS offered, untrusted certificate, wrong host name. */
    TLS_FAILED,
    /** The server answered something we cannot use (BAD, missing UIDVALIDITY, unparsable reply). */
    PROTOCOL
  }

  private final Kind kind;
  private final Duration retryAfter;

  public LegacyException(Kind kind, String message) {
    this(kind, message, null, null);
  }

  public LegacyException(Kind kind, String message, Throwable cause) {
    this(kind, message, null, cause);
  }

  public LegacyException(Kind kind, String message, Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.retryAfter = retryAfter;
  }

  public Kind kind() {
    return kind;
  }

  /** A delay the server suggested (Exchange: "Suggested Backoff Time: 262 milliseconds"). */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  @Override
  public String toString() {
    return "LegacyException[" + kind + "]: " + getMessage();
  }
}
