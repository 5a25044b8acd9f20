package dovetail.proxy.auth;

import dovetail.migrator.source.FetchLimits;
import dovetail.migrator.source.LegacyException;
import dovetail.migrator.source.LegacyFolder;
import dovetail.migrator.source.LegacyImapEndpoint;
import dovetail.migrator.source.LegacyImapEndpoint.MasterLoginStyle;
import dovetail.migrator.source.LegacyImapSession;
import dovetail.migrator.source.LegacyImapSource;
import java.time.Duration;
import java.util.List;

/**
 * A real IMAP client against Dovetail's front-end: the migrator's Angus-based legacy client, which speaks all three
 * logins under test (LOGIN, LOGIN user*master, AUTHENTICATE PLAIN with an authorization id) and maps a NO to
 * {@link LegacyException.Kind#AUTH_FAILED}.
 */
final class FrontEndClient {
  private FrontEndClient() {}

  /** Logs in with LOGIN and lists the folders the session sees. */
  static List<String> folders(int port, String user, String password) {
    return folders(endpoint(port).password(password).build(), user);
  }

  /** Logs in as {@code user} through {@code master}, in the given style, and lists the folders the session sees. */
  static List<String> foldersAsMaster(int port, String user, String master, String masterPassword,
      MasterLoginStyle style) {
    return folders(endpoint(port).masterUser(master, style).password(masterPassword).build(), user);
  }

  /** The kind of failure, or null when the login succeeded. */
  static LegacyException.Kind refusal(Runnable login) {
    try {
      login.run();
      return null;
    } catch (LegacyException e) {
      return e.kind();
    }
  }

  private static LegacyImapEndpoint.Builder endpoint(int port) {
    return LegacyImapEndpoint.builder("127.0.0.1").port(port).timeouts(Duration.ofSeconds(10), Duration.ofSeconds(20));
  }

  private static List<String> folders(LegacyImapEndpoint endpoint, String user) {
    try (LegacyImapSession session = LegacyImapSource.create(endpoint, FetchLimits.defaults()).open(user)) {
      return session.listFolders().stream().map(LegacyFolder::legacyName).toList();
    }
  }
}
