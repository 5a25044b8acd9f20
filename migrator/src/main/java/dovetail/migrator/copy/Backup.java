package dovetail.migrator.copy;

import dovetail.conf.Settings;
import dovetail.migrator.copy.MigrationState.FolderState;
import dovetail.migrator.source.LegacyException;
import dovetail.migrator.source.LegacyImapSession;
import dovetail.migrator.source.LegacyImapEndpoint;
import dovetail.migrator.source.LegacyPop3Endpoint;
import dovetail.migrator.source.LegacyImapSource;
import dovetail.store.MailLocation;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.UidlFormat;
import dovetail.store.StoreOptions;
import dovetail.store.maildir.MaildirStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The offline {@code backup} of one user ({@code doveadm backup -R -u USER imapc:}), assembled from the
 * settings: the legacy source behind the per-host connection cap, the user's store from
 * {@code mail_location}, and the options. The command line only adds the terminal.
 */
public final class Backup {
  private final UserMigration migration;
  private final String user;
  private final MailStore store;
  private final LateMail lateMail;

  /** What a check for late mail needs beside the store: the legacy source and how INBOX's UIDLs are read. */
  private record LateMail(LegacyImapSource source, Pop3Uidls pop3, UidlFormat uidlFormat, Clock clock) {}

  private Backup(UserMigration migration, String user, MailStore store, LateMail lateMail) {
    this.migration = migration;
    this.user = user;
    this.store = store;
    this.lateMail = lateMail;
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
    MailStore store = store(settings, user);
    LegacyImapSource source = source(settings, endpoint, limiter);
    MigrationOptions options = options(settings, user, pop3, tune);
    LateMail lateMail = new LateMail(source, options.pop3Uidls(), options.pop3UidlFormat(), clock);
    return new Backup(new UserMigration(source, store, options, clock), user, store, lateMail);
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
    return new UserMigration(source(settings, endpoint, limiter), store, options(settings, user, pop3, tune), clock);
  }

  private static LegacyImapSource source(Settings settings, LegacyImapEndpoint endpoint, ConnectionLimiter limiter) {
    return limiter.limit(LegacyImapSource.create(endpoint, LegacyEndpoints.fetchLimits(settings)), endpoint.host());
  }

  private static MigrationOptions options(Settings settings, String user, Optional<LegacyPop3Endpoint> pop3,
      java.util.function.UnaryOperator<MigrationOptions> tune) {
    MigrationOptions options = tune.apply(LegacyEndpoints.options(settings));
    if (pop3.isPresent()) {
      options = options.withPop3Uidls(new Pop3UidlAssignment(pop3.get(), settings.pop3Migration(), user));
    }
    return options;
  }

  /** Runs the migration; see {@link UserMigration#run}. */
  public UserResult run(List<String> folders, MigrationListener listener) {
    return migration.run(user, folders, listener);
  }

  /**
   * The local folders that are complete now: a run after which some are complete already checks them for late mail
   * ({@link #mergeLateMail}).
   */
  public Set<String> completeFolders() {
    Set<String> complete = new TreeSet<>();
    for (String folder : store.listFolders()) {
      Optional<Mailbox> box = store.openIfReadable(folder, why -> { });
      if (box.isPresent() && FolderState.of(box.get().dovetailState()).orElse(null) == FolderState.COMPLETE) {
        complete.add(folder);
      }
    }
    return complete;
  }

  /**
   * Merges mail that reached the legacy server after these folders were migrated, as {@code sync -1} does (walk-through
   * 17, F5: a backup run again said "complete" while the store missed it), over one legacy session opened on the
   * first need. A folder that is refused (its legacy UIDVALIDITY changed) or cannot be checked says so in its result.
   *
   * @throws LegacyException when the legacy server cannot be reached or refuses the login
   */
  public List<LateMailMerge.Result> mergeLateMail(Set<String> folders) {
    List<LateMailMerge.Result> results = new ArrayList<>();
    if (folders.isEmpty()) {
      return results;
    }
    try (LegacyImapSession session = lateMail.source().open(user)) {
      for (String folder : folders) {
        results.add(new LateMailMerge(store.open(folder), lateMail.pop3(), lateMail.uidlFormat(), lateMail.clock())
            .run(session));
      }
    }
    return results;
  }
}
