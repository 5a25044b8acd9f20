package dovetail.migrator.copy;

import dovetail.migrator.copy.FolderResult.Outcome;
import dovetail.migrator.copy.MigrationState.FolderState;
import dovetail.migrator.source.FolderNameMapper;
import dovetail.migrator.source.LegacyException;
import dovetail.migrator.source.LegacyImapSession;
import dovetail.migrator.source.LegacyImapSource;
import dovetail.store.MailStore;
import dovetail.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One user's migration: the skeleton, then every folder (or the named ones) through one legacy session,
 * the way {@code doveadm backup -R -u USER imapc:} does it. A session that fails (UNAVAILABLE, THROTTLED)
 * is replaced after a backoff; failures count only while nothing is copied in between (see
 * {@link RetryPolicy}). Folders already complete are not read from the legacy server again.
 *
 * <p>Not thread-safe: one run at a time per instance. Two processes migrating one folder at once do not
 * corrupt it (the store's explicit UIDs refuse the second copy of a UID), but one of them fails.
 */
public final class UserMigration {
  private static final Logger LOG = LoggerFactory.getLogger(UserMigration.class);

  /** How the run waits before a reconnect; tests pass one that does not sleep. */
  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final LegacyImapSource source;
  private final MailStore store;
  private final MigrationOptions options;
  private final Clock clock;
  private final Sleeper sleeper;

  /**
   * @param source the legacy server, normally {@link ConnectionLimiter#limit limited} per host
   * @param store the user's store
   */
  public UserMigration(LegacyImapSource source, MailStore store, MigrationOptions options, Clock clock) {
    this(source, store, options, clock, d -> Thread.sleep(d.toMillis()));
  }

  UserMigration(LegacyImapSource source, MailStore store, MigrationOptions options, Clock clock, Sleeper sleeper) {
    this.source = Objects.requireNonNull(source, "source");
    this.store = Objects.requireNonNull(store, "store");
    this.options = Objects.requireNonNull(options, "options");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  /**
   * Migrates {@code user}.
   *
   * @param onlyFolders local folder names (or legacy names) to migrate; empty for all. The skeleton is
   *     always built whole.
   */
  public UserResult run(String user, List<String> onlyFolders, MigrationListener listener) {
    return new Run(user, listener).execute(onlyFolders);
  }

  /** The state of one run: its session, its failure count and its results. */
  private final class Run {
    private final String user;
    private final MigrationListener listener;
    private final RunProgress progress;
    private LegacyImapSession session;
    private int failures;
    private long lastProgressMark = -1;
    private int foldersFinished;

    Run(String user, MigrationListener listener) {
      this.user = user;
      this.listener = listener;
      this.progress = new RunProgress(listener, clock);
    }

    UserResult execute(List<String> onlyFolders) {
      List<String> problems = new ArrayList<>();
      List<FolderResult> results = new ArrayList<>();
      SkeletonResult skeleton = null;
      String abort = null;
      try {
        skeleton = skeleton();
        problems.addAll(skeleton.problems());
        List<String> targets = targets(skeleton, onlyFolders, problems);
        progress.folderCount(targets.size());
        listener.skeletonReady(skeleton, targets.size());
        for (String folder : targets) {
          if (abort != null) {
            results.add(FolderResult.notAttempted(folder, abort));
            continue;
          }
          FolderResult r;
          try {
            r = migrate(folder);
          } catch (Abort a) {
            abort = a.getMessage();
            r = new FolderResult(folder, progress.folderMessages() > 0 ? Outcome.PARTIAL : Outcome.NOT_ATTEMPTED,
                progress.folderMessages(), progress.folderBytes(), List.of(), abort);
          }
          foldersFinished++;
          listener.folderFinished(r);
          results.add(r);
        }
      } catch (Abort a) {
        abort = a.getMessage();
      } catch (StoreException e) {
        abort = "store: " + e.getMessage();
      } finally {
        closeSession();
      }
      return new UserResult(user, skeleton, results, problems, Optional.ofNullable(abort), progress.runMessages(),
          progress.runBytes(), progress.elapsed());
    }

    private SkeletonResult skeleton() {
      UserSkeleton builder = new UserSkeleton(store, new FolderNameMapper(options.listPrefix()), clock);
      while (true) {
        try {
          return builder.build(session());
        } catch (LegacyException e) {
          closeSession();
          backOff(e);
        }
      }
    }

    private FolderResult migrate(String folder) {
      progress.enterFolder(folder);
      if (FolderState.of(store.open(folder).dovetailState()).orElse(null) == FolderState.COMPLETE) {
        return new FolderResult(folder, Outcome.COMPLETE, 0, 0, List.of(), "");
      }
      FolderMigration migration = new FolderMigration(store.open(folder), options, progress, clock);
      while (true) {
        try {
          FolderResult r = migration.run(session());
          if (migration.sessionBroken()) {
            closeSession();
          }
          return r;
        } catch (LegacyException e) {
          closeSession();
          backOff(e);
        }
      }
    }

    /** Waits before the next attempt, or gives up the run. */
    private void backOff(LegacyException e) {
      if (!RetryPolicy.retryable(e)) {
        throw new Abort(describe(e));
      }
      long mark = progress.runMessages() + foldersFinished;
      if (mark != lastProgressMark) {
        failures = 0;
        lastProgressMark = mark;
      }
      failures++;
      int allowed = options.retry().allowed(e);
      if (failures > allowed) {
        throw new Abort("the legacy server is " + (e.kind() == LegacyException.Kind.THROTTLED ? "throttling" : "unavailable")
            + " (" + failures + " attempts without progress): " + e.getMessage());
      }
      Duration delay = options.retry().delay(e, failures);
      LOG.info("{}: legacy {}: {}; retry {} of {} in {} ms", user, e.kind(), e.getMessage(), failures, allowed,
          delay.toMillis());
      listener.retrying(e.getMessage(), delay, failures);
      try {
        sleeper.sleep(delay);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new Abort("interrupted");
      }
    }

    private LegacyImapSession session() {
      if (session == null) {
        session = source.open(user);
      }
      return session;
    }

    private void closeSession() {
      if (session != null) {
        try {
          session.close();
        } finally {
          session = null;
        }
      }
    }
  }

  /** The folders to run: those asked for (by local or legacy name), else every folder with a migration state. */
  private List<String> targets(SkeletonResult skeleton, List<String> onlyFolders, List<String> problems) {
    Set<String> withState = new LinkedHashSet<>(skeleton.folders().keySet());
    for (String local : store.listFolders()) {
      if (!withState.contains(local) && FolderState.of(store.open(local).dovetailState()).isPresent()) {
        withState.add(local); // set up earlier; gone from the legacy LIST since
      }
    }
    if (onlyFolders.isEmpty()) {
      return new ArrayList<>(withState);
    }
    Map<String, String> byLegacyName = new LinkedHashMap<>();
    skeleton.folders().forEach((local, legacy) -> byLegacyName.putIfAbsent(legacy, local));
    List<String> targets = new ArrayList<>();
    for (String asked : onlyFolders) {
      String local = withState.contains(asked) ? asked
          : asked.equalsIgnoreCase(MailStore.INBOX) ? MailStore.INBOX : byLegacyName.get(asked);
      if (local == null) {
        problems.add("no folder '" + asked + "' on the legacy server");
      } else if (!targets.contains(local)) {
        targets.add(local);
      }
    }
    return targets;
  }

  private static String describe(LegacyException e) {
    return switch (e.kind()) {
      case AUTH_FAILED -> "the legacy server refused the login: " + e.getMessage();
      case TLS_FAILED -> "TLS to the legacy server failed: " + e.getMessage();
      default -> "legacy server: " + e.getMessage();
    };
  }

  /** Ends the run early; the message says why. */
  private static final class Abort extends RuntimeException {
    Abort(String reason) {
      super(reason, null, false, false);
    }
  }
}
