package dovetail.migrator.service;

/**
 * The legacy server could not serve a migration now (unreachable, login refused, throttled, connection
 * dropped). The message is fit for a client ({@code NO [UNAVAILABLE] ...}) and a log line: it never holds a
 * password. Whatever was copied stays; the next access or the sweeper continues.
 */
public final class MigrationUnavailableException extends Exception {
  public MigrationUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  public MigrationUnavailableException(String message) {
    super(message);
  }
}
