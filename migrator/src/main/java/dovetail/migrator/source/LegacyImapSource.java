package dovetail.migrator.source;

/**
 * A legacy IMAP server as a read-only source of folders and messages. Thread-safe; each session is one
 * connection and belongs to one thread at a time.
 */
public interface LegacyImapSource {
  /**
   * Connects and logs in as {@code user} (through the master user when the endpoint has one).
   *
   * @throws LegacyException AUTH_FAILED, UNAVAILABLE, THROTTLED, TLS_FAILED or PROTOCOL
   */
  LegacyImapSession open(String user);

  /**
   * As {@link #open(String)}, for the login of {@code client} (a password check): the client's address goes to the
   * server first (IMAP ID, when the server offers ID before login). A source that cannot send it just logs in.
   */
  default LegacyImapSession open(String user, ForwardedClient client) {
    return open(user);
  }

  /** The Jakarta Mail (Angus) implementation. */
  static LegacyImapSource create(LegacyImapEndpoint endpoint, FetchLimits limits) {
    return new ImapSource(endpoint, limits);
  }
}
