package dovetail.proxy.auth;

import dovetail.conf.Settings;
import dovetail.migrator.copy.LegacyEndpoints;
import dovetail.migrator.source.FetchLimits;
import dovetail.migrator.source.LegacyException;
import dovetail.migrator.source.LegacyImapSession;
import dovetail.migrator.source.LegacyImapSource;

/** Asks the legacy server whether a password is right, by logging in with it. */
@FunctionalInterface
interface LegacyPasswordCheck {
  /**
   * Returns when the legacy server accepted the login.
   *
   * @throws LegacyException AUTH_FAILED when it refused the password; any other kind when it could not say
   */
  void check(String user, String password);

  /**
   * IMAP LOGIN (or AUTHENTICATE PLAIN where LOGIN is disabled) to imapc_host as the user's own imapc_user, with
   * imapc_ssl and the CAs of ssl_client_ca_*; then LOGOUT. Never the master user: only the user's password proves
   * anything about the user.
   */
  static LegacyPasswordCheck imap(Settings settings) {
    if (!settings.imapc().configured()) {
      throw new IllegalArgumentException("passdb = legacy needs imapc_host: the legacy IMAP server checks passwords");
    }
    return (user, password) -> {
      LegacyImapSource source = LegacyImapSource.create(LegacyEndpoints.userLogin(settings, password),
          FetchLimits.defaults());
      try (LegacyImapSession session = source.open(user)) {
        // logged in: that is the whole answer
      }
    };
  }
}
