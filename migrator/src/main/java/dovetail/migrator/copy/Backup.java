package dovetail.migrator.copy;

import dovetail.conf.Settings;
import dovetail.migrator.source.LegacyImapEndpoint;
import dovetail.migrator.source.LegacyPop3Endpoint;
import dovetail.migrator.source.LegacyPop3Endpoint;
import java.util.Optional;
import dovetail.migrator.source.LegacyImapSource;
import dovetail.store.MailLocation;
import dovetail.store.MailStore;
import dovetail.store.StoreOptions;
import dovetail.store.maildir.MaildirStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The offline {@code backup} of one user ({@code doveadm backup -R -u USER imapc:}), assembled from the
 * settings: the legacy source behind the per-host connection cap, the user's store from
 * {@code mail_location}, and the options. The command line only adds the terminal.
 */
public final class Backup {
  private final UserMigration migration;
  private final String user;

  private Backup(UserMigration migration, String user) {
    this.migration = migration;
    this.user = user;
  }

  /**
   * @param limiter the process's connection cap ({@code legacy_max_connections})
   * @throws IllegalArgumentException for a setting that makes the backup impossible; the message names it
   */
  public static Backup of(Settings settings, String user, boolean skipUndeliverable, ConnectionLimiter limiter,
      Clock clock) {
    return of(settings, user, o -> o.withSkipUndeliverable(skipUndeliverable), limiter, clock);
  }

  /**
   * @param tune adjusts the options that come from the settings (the command line's switches)
   * @throws IllegalArgumentException for a setting that makes the backup impossible; the message names it
   */
  public static Backup of(Settings settings, String user, java.util.function.UnaryOperator<MigrationOptions> tune,
      ConnectionLimiter limiter, Clock clock) {
    LegacyImapEndpoint endpoint = LegacyEndpoints.imap(settings, user);
    MailLocation location;
    try {
      location = MailLocation.parse(settings.store().mailLocation());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("mail_location: " + e.getMessage(), e);
    }
    MailStore store = MaildirStore.forUser(location, user,
        StoreOptions.DEFAULT.withFsync(settings.store().fsync()));
    LegacyImapSource source = limiter.limit(
        LegacyImapSource.create(endpoint, LegacyEndpoints.fetchLimits(settings)), endpoint.host());
    MigrationOptions options = tune.apply(LegacyEndpoints.options(settings));
    Optional<LegacyPop3Endpoint> pop3 = LegacyEndpoints.pop3(settings, user);
    if (pop3.isPresent()) {
      options = options.withPop3Uidls(new Pop3UidlAssignment(pop3.get(), settings.pop3Migration(), user));
    }
    return new Backup(new UserMigration(source, store, options, clock), user);
  }

  /** Runs the migration; see {@link UserMigration#run}. */
  public UserResult run(List<String> folders, MigrationListener listener) {
    return migration.run(user, folders, listener);
  }
}
