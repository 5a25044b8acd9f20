package dovetail.migrator.copy;

import dovetail.conf.Settings;
import dovetail.migrator.source.LegacyImapEndpoint;
import dovetail.migrator.source.LegacyPop3Endpoint;
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
    Optional<LegacyPop3Endpoint> pop3 = LegacyEndpoints.pop3(settings, user);
    return new Backup(migration(settings, user, endpoint, pop3, store(settings, user), tune, limiter, clock), user);
  }

  /**
   * The user's store from {@code mail_location} and {@code mail_fsync}, keeping a folder's view only while it is
   * used: the offline run goes through each folder once, so its memory follows the largest folder, not the user.
   */
  public static MailStore store(Settings settings, String user) {
    MailLocation location;
    try {
      location = MailLocation.parse(settings.store().mailLocation());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("mail_location: " + e.getMessage(), e);
    }
    return MaildirStore.forUser(location, user, StoreOptions.DEFAULT.withFsync(settings.store().fsync())
        .withKeepFolders(StoreOptions.KeepFolders.WHILE_USED));
  }

  /**
   * A user's migration from the settings, with the legacy logins chosen by the caller (the running server
   * picks the master user or a password seen at login) and the caller's store: the source behind the
   * per-host cap, the options, and POP3 UIDL matching when {@code pop3} is given.
   */
  public static UserMigration migration(Settings settings, String user, LegacyImapEndpoint endpoint,
      Optional<LegacyPop3Endpoint> pop3, MailStore store, java.util.function.UnaryOperator<MigrationOptions> tune,
      ConnectionLimiter limiter, Clock clock) {
    LegacyImapSource source = limiter.limit(
        LegacyImapSource.create(endpoint, LegacyEndpoints.fetchLimits(settings)), endpoint.host());
    MigrationOptions options = tune.apply(LegacyEndpoints.options(settings));
    if (pop3.isPresent()) {
      options = options.withPop3Uidls(new Pop3UidlAssignment(pop3.get(), settings.pop3Migration(), user));
    }
    return new UserMigration(source, store, options, clock);
  }

  /** Runs the migration; see {@link UserMigration#run}. */
  public UserResult run(List<String> folders, MigrationListener listener) {
    return migration.run(user, folders, listener);
  }
}
