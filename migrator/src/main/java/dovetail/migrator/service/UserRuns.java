package dovetail.migrator.service;

import dovetail.migrator.copy.FolderResult.Outcome;
import dovetail.migrator.copy.FolderResult;
import dovetail.migrator.copy.MigrationListener;
import dovetail.migrator.copy.UserResult;
import dovetail.migrator.source.LegacyException;
import dovetail.store.MailStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A user's folders migrated one after the other, for the sweeper and an admin: the skeleton refreshed first, then the
 * remaining folders (or the named ones), each through its {@link FolderRuns} place, so that they join what a client
 * started.
 */
final class UserRuns {
  private final Clock clock;
  private final LegacyLogins logins;
  private final StoreLookups lookups;
  private final Function<String, MailStore> stores;
  private final SkeletonBuilds skeletons;
  private final FolderRuns folders;

  UserRuns(Clock clock, LegacyLogins logins, StoreLookups lookups, Function<String, MailStore> stores,
      SkeletonBuilds skeletons, FolderRuns folders) {
    this.clock = clock;
    this.logins = logins;
    this.lookups = lookups;
    this.stores = stores;
    this.skeletons = skeletons;
    this.folders = folders;
  }

  /**
   * The user's remaining folders (or the named ones), one after the other through {@link FolderRuns#ensure}, so
   * that admin and sweeper join what a client started. Stops at the first folder the legacy server cannot serve.
   *
   * @param gate the sweeper, asked before each folder; null for admin work
   */
  UserResult migrateRemaining(String user, List<String> folders, FolderRun.Origin origin, Sweeper gate) {
    return migrateRemaining(user, folders, origin, gate, new AtomicReference<>());
  }

  /** @param stop receives what stopped the run before its first folder (no skeleton: the login refused, ...) */
  UserResult migrateRemaining(String user, List<String> folders, FolderRun.Origin origin, Sweeper gate,
      AtomicReference<MigrationUnavailableException> stop) {
    Instant start = clock.instant();
    List<String> problems = new ArrayList<>();
    List<FolderResult> results = new ArrayList<>();
    String abort = null;
    String abortedAt = null; // the folder whose migration could not run
    LegacyException refusal = null; // the legacy server refused the login
    long messages = 0;
    long bytes = 0;
    try (LegacyLogins.Hold password = logins.hold(user)) { // each folder's run asks for it again
      if (gate != null && !gate.awaitTurn(user)) {
        throw new MigrationUnavailableException("the sweeper stopped");
      }
      refreshSkeleton(user, folders, origin, problems);
      if (folders.isEmpty()) {
        problems.addAll(lookups.unsetFolders(user).values()); // the user is not complete: say why
      }
      MailStore store = stores.apply(user);
      List<String> targets = folders.isEmpty() ? FolderSelection.remaining(store, origin, problems)
          : FolderSelection.named(store, folders, problems);
      for (String folder : targets) {
        if (abort == null && gate != null && !gate.awaitTurn(user)) {
          abort = "the sweeper stopped";
        }
        if (abort != null) {
          // Another folder's reason: say so, or the line reads as this folder's own problem.
          results.add(new FolderResult(folder, Outcome.NOT_ATTEMPTED, 0, 0, List.of(),
              abortedAt == null ? abort : "the run stopped at " + abortedAt + ": " + abort));
          continue;
        }
        try {
          FolderResult r = this.folders.ensure(user, folder, MigrationListener.NONE, origin);
          results.add(r);
          messages += r.messages();
          bytes += r.bytes();
        } catch (MigrationUnavailableException e) {
          abort = e.getMessage();
          abortedAt = folder;
          refusal = refusalOf(e);
          // What the folder's run copied before the failure stays, and is said (it was "not attempted, 0 copied").
          String why = e.getMessage();
          FolderResult stopped = e.copied()
              .map(p -> new FolderResult(folder, Outcome.PARTIAL, p.messagesDone(), p.bytesDone(), List.of(), why))
              .orElseGet(() -> new FolderResult(folder, Outcome.NOT_ATTEMPTED, 0, 0, List.of(), why));
          results.add(stopped);
          messages += stopped.messages();
          bytes += stopped.bytes();
        }
      }
    } catch (MigrationUnavailableException e) {
      abort = e.getMessage();
      refusal = refusalOf(e);
      stop.set(e);
    }
    return new UserResult(user, null, results, problems, Optional.ofNullable(abort), messages, bytes,
        Duration.between(start, clock.instant()), Optional.ofNullable(refusal));
  }

  /** Whether the sweeper still has work on the user: no skeleton, legacy folders not set up, or folders remaining. */
  boolean hasWork(String user) {
    if (!skeletons.exists(user)) {
      return true;
    }
    return !lookups.unsetFolders(user).isEmpty()
        || !FolderSelection.remaining(stores.apply(user), FolderRun.Origin.SWEEPER, new ArrayList<>()).isEmpty();
  }

  /** The legacy server's refusal of the login behind {@code e} (rethrown across threads: a cause or two down), or null. */
  private static LegacyException refusalOf(MigrationUnavailableException e) {
    if (!e.loginRefused()) {
      return null;
    }
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof LegacyException refused) {
        return refused;
      }
    }
    return null;
  }

  /**
   * Before the sweeper or an admin migrates a user, the skeleton is refreshed: legacy folders created since are set
   * up, and those it left unset are tried again. An admin's {@code -f} refreshes only when a name asked for has no
   * local folder (it is then set up even if seen before) or the skeleton is not final. A refresh that fails for a
   * user whose skeleton exists is a problem of this run; the folders set up before are migrated all the same.
   */
  private void refreshSkeleton(String user, List<String> folders, FolderRun.Origin origin, List<String> problems)
      throws MigrationUnavailableException {
    Set<String> asked = new LinkedHashSet<>();
    if (lookups.storeExists(user)) {
      MailStore store = stores.apply(user);
      List<String> all = store.listFolders();
      folders.stream().filter(f -> FolderSelection.local(store, all, f).isEmpty()).forEach(asked::add);
    }
    if (skeletons.exists(user) && lookups.unsetFolders(user).isEmpty() && !folders.isEmpty() && asked.isEmpty()) {
      return;
    }
    try {
      skeletons.build(user, origin, asked);
    } catch (MigrationUnavailableException e) {
      if (!skeletons.exists(user)) {
        throw e;
      }
      problems.add(e.getMessage());
    }
  }
}
