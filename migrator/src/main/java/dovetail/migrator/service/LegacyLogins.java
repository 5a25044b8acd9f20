package dovetail.migrator.service;

import dovetail.conf.Settings;
import dovetail.migrator.copy.LegacyEndpoints;
import dovetail.migrator.source.LegacyImapEndpoint;
import dovetail.migrator.source.LegacyPop3Endpoint;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How the service logs in to the legacy servers for a user (DESIGN, "Credentials"): the master user
 * ({@code imapc_master_user} with {@code imapc_password}) when configured; otherwise the password the user
 * gave at a Dovetail login, held in this object's memory only (never written, never logged); otherwise
 * {@code imapc_password} as the user's own password, as Dovecot reads it without a master user (a
 * single-user configuration, or the demo). The same choice is made for {@code pop3c_*}.
 */
final class LegacyLogins {
  /** The logins of one user. */
  record Endpoints(LegacyImapEndpoint imap, Optional<LegacyPop3Endpoint> pop3) {}

  private final Settings settings;
  private final Map<String, String> passwords = new ConcurrentHashMap<>();

  LegacyLogins(Settings settings) {
    this.settings = settings;
  }

  void remember(String user, String password) {
    if (password != null && !password.isEmpty()) {
      passwords.put(user, password);
    }
  }

  /** @throws MigrationUnavailableException when there are no credentials for this user, or no legacy server */
  Endpoints forUser(String user) throws MigrationUnavailableException {
    Optional<String> own = Optional.ofNullable(passwords.get(user));
    boolean master = settings.imapc().hasMasterUser();
    if (!master && own.isEmpty() && settings.imapc().password().filter(p -> !p.isEmpty()).isEmpty()) {
      throw new MigrationUnavailableException("no credentials for the legacy server for " + user
          + ": configure imapc_master_user and imapc_password, or the user must log in to Dovetail first");
    }
    try {
      return new Endpoints(LegacyEndpoints.imap(settings, user, own), LegacyEndpoints.pop3(settings, user, own));
    } catch (IllegalArgumentException e) {
      throw new MigrationUnavailableException("the legacy server cannot be used: " + e.getMessage(), e);
    }
  }
}
