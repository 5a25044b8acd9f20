package dovetail.migrator.service;

import dovetail.migrator.copy.Progress;
import dovetail.migrator.source.LegacyException;
import java.util.Optional;

/**
 * The legacy server could not serve a migration now (unreachable, login refused, throttled, connection
 * dropped). The message is fit for a client ({@code NO [UNAVAILABLE] ...}) and a log line: it never holds a
 * password. Whatever was copied stays; the next access or the sweeper continues.
 */
public final class MigrationUnavailableException extends Exception {
  private final boolean loginRefused;
  /** The RFC 5530 code of the legacy server's answer to a refused login; empty when none (or not a refusal). */
  private final String responseCode;
  /**
   * For a refused login, {@link System#nanoTime()} when it was sent (or, not known, when it was refused: later, so
   * that nothing that began before the refusal is taken for a check after it); see {@link #refusedLoginSent()}.
   */
  private final long refusedLoginSent;
  /** What the folder's run had copied when it stopped, if anything. */
  private final transient Progress copied;

  public MigrationUnavailableException(String message, Throwable cause) {
    this(message, cause, false);
  }

  public MigrationUnavailableException(String message) {
    this(message, null, false);
  }

  /** @param loginRefused the legacy server answered the login with NO (the user does not exist there, or a wrong password) */
  public MigrationUnavailableException(String message, Throwable cause, boolean loginRefused) {
    this(message, cause, loginRefused, "", System.nanoTime(), null);
  }

  private MigrationUnavailableException(String message, Throwable cause, boolean loginRefused, String responseCode,
      long refusedLoginSent, Progress copied) {
    super(message, cause);
    this.loginRefused = loginRefused;
    this.responseCode = responseCode;
    this.refusedLoginSent = refusedLoginSent;
    this.copied = copied;
  }

  /** The legacy server refused the login ({@code refusal}, an AUTH_FAILED): its answer's code goes along. */
  static MigrationUnavailableException loginRefused(String message, LegacyException refusal) {
    return new MigrationUnavailableException(message, refusal, true, refusal.responseCode(),
        refusal.loginSent().orElse(System.nanoTime()), null);
  }

  /** This failure, for a caller, with what the folder's run copied before it stopped ({@code progress}). */
  MigrationUnavailableException forCaller(Optional<Progress> progress) {
    return new MigrationUnavailableException(getMessage(), this, loginRefused, responseCode, refusedLoginSent,
        progress.orElse(null));
  }

  /** The same failure, thrown again on another thread: this caller's stack, the same text and what it says. */
  MigrationUnavailableException rethrown() {
    return new MigrationUnavailableException(getMessage(), this, loginRefused, responseCode, refusedLoginSent, null);
  }

  /** What the folder's run had copied when the legacy server failed it; empty when it copied nothing. */
  public Optional<Progress> copied() {
    return Optional.ofNullable(copied);
  }

  /** True when the legacy server refused the login: trying again will not help, unlike an outage. */
  public boolean loginRefused() {
    return loginRefused;
  }

  /**
   * For a refused login: {@link System#nanoTime()} when the login was sent. A check of the same credentials proves
   * something about this refusal only if it began after that (walk-through 11, W4).
   */
  long refusedLoginSent() {
    return refusedLoginSent;
  }

  /**
   * For a refused login, the RFC 5530 response code of the legacy server's tagged answer ({@code AUTHORIZATIONFAILED},
   * {@code AUTHENTICATIONFAILED}), upper case; empty when the answer had none or the login was not refused. Read this,
   * not the message: the message also holds names and the server's free text, which may mention any code.
   */
  public String responseCode() {
    return responseCode;
  }
}
