package dovetail.migrator.source;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The one exception of the legacy-source layer: a closed {@link Kind} that callers switch on (retry,
 * back off, stop loudly), plus a message for the operator. Messages never contain passwords.
 */
public final class LegacyException extends RuntimeException {
  /** The closed set of legacy-source failures. */
  public enum Kind {
    /** The server rejected the credentials (LOGIN/AUTHENTICATE NO). Retrying will not help. */
    AUTH_FAILED,
    /** Connection refused, dropped or silent ({@link #stoppedAnswering}), or BYE: retry later with backoff. */
    UNAVAILABLE,
    /**
     * EXAMINE said NO without saying the folder is gone ("Internal error", "mailbox is locked"): this folder cannot
     * be opened now, the connection and the other folders are fine. The folder is tried again later.
     */
    FOLDER_REFUSED,
    /**
     * The server asked us to slow down: {@code [LIMIT]}, {@code [THROTTLED]}, {@code [UNAVAILABLE]}
     * (RFC 5530), Gmail's "Too many simultaneous connections", Exchange's "Request is throttled".
     * See {@link #retryAfter()}.
     */
    THROTTLED,
    /** The folder is gone: EXAMINE said {@code NO [NONEXISTENT]} (RFC 5530), or NO and LIST no longer shows it. */
    FOLDER_NOT_FOUND,
    /** The folder's UIDVALIDITY changed while we worked on it: its UIDs must not be mixed. */
    UIDVALIDITY_CHANGED,
    /** TLS could not be set up: no STARTTLS offered, untrusted certificate, wrong host name. */
    TLS_FAILED,
    /** The server answered something we cannot use (BAD, missing UIDVALIDITY, unparsable reply). */
    PROTOCOL,
    /**
     * Dovetail itself stops and opens no new connection: nothing is wrong with the legacy server, and waiting to try
     * again would only hold up the stop.
     */
    STOPPING
  }

  private final Kind kind;
  private final Duration retryAfter;
  private final long messageUid;
  private final String responseCode;
  /** System.nanoTime() when the refused login was sent; meaningful only with {@link #loginSent}. */
  private final long loginSentAt;
  private final boolean loginSent;

  public LegacyException(Kind kind, String message) {
    this(kind, message, null, null);
  }

  public LegacyException(Kind kind, String message, Throwable cause) {
    this(kind, message, null, cause);
  }

  public LegacyException(Kind kind, String message, Duration retryAfter, Throwable cause) {
    this(kind, message, retryAfter, cause, 0, "", 0, false);
  }

  /** A failure the server answered, with the RFC 5530 code of its answer ({@link #responseCode()}). */
  static LegacyException answered(Kind kind, String message, Duration retryAfter, String responseCode) {
    return new LegacyException(kind, message, retryAfter, null, 0, responseCode, 0, false);
  }

  private LegacyException(Kind kind, String message, Duration retryAfter, Throwable cause, long messageUid,
      String responseCode, long loginSentAt, boolean loginSent) {
    super(message, cause);
    this.kind = kind;
    this.retryAfter = retryAfter;
    this.messageUid = messageUid;
    this.responseCode = responseCode;
    this.loginSentAt = loginSentAt;
    this.loginSent = loginSent;
  }

  /** This refusal of a login, with when the login was sent ({@link #loginSent()}). */
  LegacyException loginSentAt(long nanoTime) {
    LegacyException e = new LegacyException(kind, getMessage(), retryAfter, getCause(), messageUid, responseCode,
        nanoTime, true);
    e.setStackTrace(getStackTrace());
    return e;
  }

  /** The same failure, tied to the message that was being fetched when it happened. */
  public LegacyException about(long uid) {
    return new LegacyException(kind, getMessage() + " (while fetching UID " + uid + ")", retryAfter, this, uid,
        responseCode, loginSentAt, loginSent);
  }

  public Kind kind() {
    return kind;
  }

  /**
   * The RFC 5530 response code that opened the text of the server's answer ({@code AUTHORIZATIONFAILED} for
   * {@code A1 NO [AUTHORIZATIONFAILED] ...}), upper case; empty when it had none, or the failure was not an answer.
   * The message holds more (the peer, the login name, the server's free text), in which a code may merely be mentioned:
   * a decision on what the server said reads this.
   */
  public String responseCode() {
    return responseCode;
  }

  /**
   * For a refused login ({@link Kind#AUTH_FAILED} from the login itself): {@link System#nanoTime()} just before the
   * login command was sent, so that a later check of the same credentials can tell whether it began after this
   * refusal; empty for other failures.
   */
  public OptionalLong loginSent() {
    return loginSent ? OptionalLong.of(loginSentAt) : OptionalLong.empty();
  }

  /** A delay the server suggested (Exchange: "Suggested Backoff Time: 262 milliseconds"). */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /**
   * The UID whose fetch was under way when the connection died, if any. A server that drops the
   * connection on one message (Dovecot does, for a file it cannot read) will do it again: a caller
   * that sees the same UID twice should record it as undeliverable and go on without it.
   */
  public OptionalLong messageUid() {
    return messageUid > 0 ? OptionalLong.of(messageUid) : OptionalLong.empty();
  }

  /** Whether the server stopped sending (the read timed out) rather than closed or broke the connection. */
  public boolean stoppedAnswering() {
    for (Throwable t = getCause(); t != null; t = t.getCause()) {
      if (t instanceof SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "LegacyException[" + kind + "]: " + getMessage();
  }
}
