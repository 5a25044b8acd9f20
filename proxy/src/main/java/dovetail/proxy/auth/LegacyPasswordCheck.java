package dovetail.proxy.auth;

import dovetail.conf.Passdb;
import dovetail.conf.Settings;
import dovetail.migrator.copy.LegacyEndpoints;
import dovetail.migrator.source.FetchLimits;
import dovetail.migrator.source.ForwardedClient;
import dovetail.migrator.source.LegacyException;
import dovetail.migrator.source.LegacyImapSession;
import dovetail.migrator.source.LegacyImapSource;
import java.util.Optional;

/** Asks the legacy server whether a password is right, by logging in with it. */
@FunctionalInterface
interface LegacyPasswordCheck {
  /**
   * Returns when the legacy server accepted the login.
   *
   * @param client the connection whose login this is, when known
   * @throws LegacyException AUTH_FAILED when it refused the password; any other kind when it could not say
   */
  void check(String user, String password, Optional<ForwardedClient> client);

  /**
   * IMAP LOGIN (or AUTHENTICATE PLAIN where LOGIN is disabled) to imapc_host as the user's own imapc_user, with
   * imapc_ssl and the CAs of ssl_client_ca_*; then LOGOUT. Never the master user: only the user's password proves
   * anything about the user. Before the login, the client's address (IMAP ID), unless proxy_not_trusted: a legacy
   * Dovecot that trusts Dovetail then penalises a wrong password of the client's address, not of Dovetail's.
   */
  static LegacyPasswordCheck imap(Settings settings) {
    if (!settings.imapc().configured()) {
      throw new IllegalArgumentException("passdb = legacy needs imapc_host: the legacy IMAP server checks passwords");
    }
    boolean forward = !(settings.passdb() instanceof Passdb.Legacy legacy && legacy.proxyNotTrusted());
    return (user, password, client) -> {
      LegacyImapSource source = LegacyImapSource.create(LegacyEndpoints.userLogin(settings, password),
          FetchLimits.defaults());
      Optional<ForwardedClient> sent = client.filter(c -> forward);
      try (LegacyImapSession session = sent.isPresent() ? source.open(user, sent.get()) : source.open(user)) {
        // logged in: that is the whole answer
      }
    };
  }
}
