package dovetail.migrator.service;

import dovetail.migrator.copy.Progress;
import java.util.Optional;

/**
 * The legacy server could not serve a migration now (unreachable, login refused, throttled, connection
 * dropped). The message is fit for a client ({@code NO [UNAVAILABLE] ...}) and a log line: it never holds a
 * password. Whatever was copied stays; the next access or the sweeper continues.
 */
public final class MigrationUnavailableException extends Exception {
  private final boolean loginRefused;
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
    this(message, cause, loginRefused, null);
  }

  private MigrationUnavailableException(String message, Throwable cause, boolean loginRefused, Progress copied) {
    super(message, cause);
    this.loginRefused = loginRefused;
    this.copied = copied;
  }

  /** This failure, for a caller, with what the folder's run copied before it stopped ({@code progress}). */
  MigrationUnavailableException forCaller(Optional<Progress> progress) {
    return new MigrationUnavailableException(getMessage(), this, loginRefused, progress.orElse(null));
  }

  /** What the folder's run had copied when the legacy server failed it; empty when it copied nothing. */
  public Optional<Progress> copied() {
    return Optional.ofNullable(copied);
  }

  /** True when the legacy server refused the login: trying again will not help, unlike an outage. */
  public boolean loginRefused() {
    return loginRefused;
  }
}
