package dovetail.migrator.service;

import dovetail.migrator.copy.FolderResult.Outcome;
import dovetail.migrator.copy.FolderResult;
import dovetail.migrator.copy.MigrationListener;
import dovetail.migrator.copy.MigrationState.FolderState;
import dovetail.migrator.copy.UserMigration;
import dovetail.migrator.copy.UserResult;
import dovetail.store.MailStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most one run per (user, folder), whoever asks: a folder's migration starts on the service's threads, so a caller
 * that gives up does not stop it for the others, and every later caller joins it. A late-mail check takes the same
 * place ({@link #alone}), so it never overlaps a migration of that folder. Folders are copied by {@link
 * UserMigration#runFolders} (no LIST/LSUB per folder), with its reconnects and backoff.
 */
final class FolderRuns {
  private static final Logger LOG = LoggerFactory.getLogger(FolderRuns.class);

  /** Makes a run's own listener ({@link RunListener}). */
  @FunctionalInterface
  interface Listeners {
    RunListener of(FolderRun run, MailStore store);
  }

  private record Key(String user, String folder) {}

  private final Function<String, MailStore> stores;
  private final SkeletonBuilds skeletons;
  private final LegacyLogins logins;
  private final UserMigrations migrations;
  private final ServiceThreads threads;
  private final Clock clock;
  private final FolderListeners completed;
  private final Listeners listeners;
  private final Map<Key, FolderRun> running = new ConcurrentHashMap<>();

  FolderRuns(Function<String, MailStore> stores, SkeletonBuilds skeletons, LegacyLogins logins,
      UserMigrations migrations, ServiceThreads threads, Clock clock, FolderListeners completed, Listeners listeners) {
    this.stores = stores;
    this.skeletons = skeletons;
    this.logins = logins;
    this.migrations = migrations;
    this.threads = threads;
    this.clock = clock;
    this.completed = completed;
    this.listeners = listeners;
  }

  /** {@link Migrations#ensureFolder}, for {@code origin}. */
  FolderResult ensure(String user, String folder, MigrationListener listener, FolderRun.Origin origin)
      throws MigrationUnavailableException {
    return ensureWithin(user, folder, listener, origin, null).orElseThrow(); // without a bound it never gives up
  }

  /** {@link Migrations#ensureFolderWithin}, for {@code origin}; a null {@code maxWait} waits for the end. */
  Optional<FolderResult> ensureWithin(String user, String folder, MigrationListener listener, FolderRun.Origin origin,
      Duration maxWait) throws MigrationUnavailableException {
    skeletons.ensure(user);
    MailStore store = stores.apply(user);
    if (!store.exists(folder)) {
      return Optional.of(nothingToDo(folder)); // not a legacy folder; the caller answers as for any missing folder
    }
    Optional<FolderState> state = FolderState.of(store.open(folder).dovetailState());
    if (state.isEmpty() || state.get() == FolderState.COMPLETE) {
      return Optional.of(nothingToDo(folder));
    }
    Key key = new Key(user, store.open(folder).name());
    boolean[] created = {false};
    FolderRun run = running.computeIfAbsent(key, k -> {
      created[0] = true;
      return new FolderRun(k.user(), k.folder(), origin);
    });
    run.join(listener, origin);
    if (created[0]) {
      threads.submit(() -> migrate(run), run.result());
    }
    try {
      return ServiceThreads.awaitWithin(run.result(), maxWait);
    } catch (MigrationUnavailableException e) {
      throw e.forCaller(run.lastProgress()); // a caller that joined late still learns what the run copied
    } finally {
      run.leave(listener);
    }
  }

  private void migrate(FolderRun run) {
    String user = run.user();
    String folder = run.folder();
    Instant start = clock.instant();
    try {
      threads.checkOpen();
      LegacyLogins.Endpoints login = logins.forUser(user);
      MailStore store = stores.apply(user);
      RunListener listener = listeners.of(run, store);
      UserResult r = migrations.open(user, login, store).runFolders(user, List.of(folder), listener);
      if (r.abortReason().isPresent()) {
        if (threads.closing()) {
          throw new RunListener.Stopped(); // the stop, not the folder: nothing for status to show (review 24, F1)
        }
        String reason = r.abortReason().get();
        FolderRecords.recordError(store, folder, reason);
        throw new MigrationUnavailableException("'" + folder + "' cannot be migrated now: " + reason);
      }
      FolderResult result = r.folders().get(0);
      if (result.outcome() == Outcome.COMPLETE) {
        completed.fire(user, folder); // before the waiters wake: they then see what the listeners added
      }
      LOG.info("{}: {}: {} ({} messages, {} bytes in {} ms){}", user, folder, result.outcome(), result.messages(),
          result.bytes(), Duration.between(start, clock.instant()).toMillis(),
          result.reason().isEmpty() ? "" : ": " + result.reason());
      running.remove(new Key(user, folder), run);
      run.result().complete(result);
    } catch (RunListener.Stopped s) {
      running.remove(new Key(user, folder), run);
      run.result().completeExceptionally(new MigrationUnavailableException(s.getMessage()));
    } catch (Throwable t) {
      running.remove(new Key(user, folder), run);
      run.result().completeExceptionally(t);
    }
  }

  /** Runs {@code work} as the folder's only run: after a migration running now, and with none starting meanwhile. */
  <T> T alone(String user, String folder, Supplier<T> work) throws MigrationUnavailableException {
    Key key = new Key(user, folder);
    FolderRun mine = new FolderRun(user, folder, FolderRun.Origin.ADMIN);
    for (FolderRun other = running.putIfAbsent(key, mine); other != null; other = running.putIfAbsent(key, mine)) {
      try {
        ServiceThreads.await(other.result());
      } catch (MigrationUnavailableException | RuntimeException e) {
        // that run's own caller hears of its failure; this one only waited for its end
      }
      threads.checkOpen();
    }
    try {
      return work.get();
    } finally {
      running.remove(key, mine);
      mine.result().complete(nothingToDo(folder));
    }
  }

  /** The folder's run now, or null. */
  FolderRun runOf(String user, String folder) {
    return running.get(new Key(user, folder));
  }

  private static FolderResult nothingToDo(String folder) {
    return new FolderResult(folder, Outcome.COMPLETE, 0, 0, List.of(), "");
  }
}
