package dovetail.migrator.service;

/**
 * The legacy server could not serve a migration now (unreachable, login refused, throttled, connection
 * dropped). The message is fit for a client ({@code NO [UNAVAILABLE] ...}) and a log line: it never holds a
 * password. Whatever was copied stays; the next access or the sweeper continues.
 */
public final class MigrationUnavailableException extends Exception {
  private final boolean loginRefused;

  public MigrationUnavailableException(String message, Throwable cause) {
    this(message, cause, false);
  }

  public MigrationUnavailableException(String message) {
    this(message, null, false);
  }

  /** @param loginRefused the legacy server answered the login with NO (the user does not exist there, or a wrong password) */
  public MigrationUnavailableException(String message, Throwable cause, boolean loginRefused) {
    super(message, cause);
    this.loginRefused = loginRefused;
  }

  /** True when the legacy server refused the login: trying again will not help, unlike an outage. */
  public boolean loginRefused() {
    return loginRefused;
  }
}
