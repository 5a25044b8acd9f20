package dovetail.migrator.source;

/** A real legacy IMAP server that a contract test fills through {@link RawImapClient} and reads through the source. */
interface LegacyServerFixture extends AutoCloseable {
  String host();

  int port();

  /** A user whose mailbox the test owns. */
  String user();

  String password();

  /** The server's hierarchy separator. */
  char separator();

  /** The endpoint for logging in as {@link #user()} with its own password. */
  default LegacyImapEndpoint.Builder endpoint() {
    return LegacyImapEndpoint.builder(host()).port(port()).password(password())
        .features(java.util.Set.of("rfc822.size"));
  }

  /** A fresh raw client, logged in as {@link #user()}. */
  default RawImapClient client() {
    return RawImapClient.login(host(), port(), user(), password());
  }

  @Override
  void close();
}
