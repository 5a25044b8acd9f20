package dovetail.migrator.service;

import dovetail.conf.Settings;
import dovetail.migrator.copy.Backup;
import dovetail.migrator.copy.ConnectionLimiter;
import dovetail.migrator.copy.UserMigration;
import dovetail.store.MailStore;
import java.time.Clock;

/** Opens a user's copy from the legacy server into the store, behind the process's shared per-host connection cap. */
final class UserMigrations {
  private final Settings settings;
  private final ConnectionLimiter limiter;
  private final Clock clock;

  UserMigrations(Settings settings, ConnectionLimiter limiter, Clock clock) {
    this.settings = settings;
    this.limiter = limiter;
    this.clock = clock;
  }

  UserMigration open(String user, LegacyLogins.Endpoints login, MailStore store) {
    return Backup.migration(settings, user, login.imap(), login.pop3(), store, o -> o, limiter, clock);
  }
}
