package dovetail.migrator.source;

import java.util.Objects;

/** The Angus-backed {@link LegacyImapSource}. Immutable: the TLS trust is built once, here. */
final class ImapSource implements LegacyImapSource {
  private final LegacyImapEndpoint endpoint;
  private final FetchLimits limits;
  private final ImapConnector connector;

  ImapSource(LegacyImapEndpoint endpoint, FetchLimits limits) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.connector = new ImapConnector(endpoint);
  }

  @Override
  public LegacyImapSession open(String user) {
    Objects.requireNonNull(user, "user");
    return new ImapSession(user, connector.open(user), () -> connector.open(user), endpoint, limits);
  }

  @Override
  public LegacyImapSession open(String user, ForwardedClient client) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(client, "client");
    return new ImapSession(user, connector.open(user, client), () -> connector.open(user, client), endpoint, limits);
  }

  @Override
  public String toString() {
    return "ImapSource[" + endpoint + ", " + limits + "]";
  }
}
