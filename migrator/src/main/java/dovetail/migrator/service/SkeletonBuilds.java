package dovetail.migrator.service;

import dovetail.migrator.copy.MigrationListener;
import dovetail.migrator.copy.SkeletonState;
import dovetail.migrator.copy.UserResult;
import dovetail.migrator.copy.UserSkeleton;
import dovetail.store.MailStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users' skeletons: built before a user is served ({@link SkeletonState#BUILT} in INBOX's state says so across
 * restarts), refreshed by the sweeper and an admin ({@link UserSkeleton#refresh}), one build per user at a time on the
 * service's threads; and the local accounts found to have nothing on the legacy server.
 */
final class SkeletonBuilds {
  private static final Logger LOG = LoggerFactory.getLogger(SkeletonBuilds.class);

  private final Function<String, MailStore> stores;
  private final StoreLookups lookups;
  private final LegacyLogins logins;
  private final LegacyLoginCheck loginCheck;
  private final UserMigrations migrations;
  private final ServiceThreads threads;
  private final MigrationListener observer;
  private final FolderListeners completed;
  private final Map<String, CompletableFuture<Void>> skeletons = new ConcurrentHashMap<>();
  private volatile Predicate<String> localAccounts = user -> false;
  /** Local accounts found to have nothing on the legacy server (see {@link #ensure}). */
  private final Set<String> localOnly = ConcurrentHashMap.newKeySet();
  /** The skeleton notices already logged, per user (user, newline, notice). */
  private final Set<String> told = ConcurrentHashMap.newKeySet();

  SkeletonBuilds(Function<String, MailStore> stores, StoreLookups lookups, LegacyLogins logins,
      LegacyLoginCheck loginCheck, UserMigrations migrations, ServiceThreads threads, MigrationListener observer,
      FolderListeners completed) {
    this.stores = stores;
    this.lookups = lookups;
    this.logins = logins;
    this.loginCheck = loginCheck;
    this.migrations = migrations;
    this.threads = threads;
    this.observer = observer;
    this.completed = completed;
  }

  /**
   * The users Dovetail itself lists (a passwd-file passdb). Such a user whom the legacy server refuses, while a master
   * login is known to work, has nothing to migrate: see {@link #ensure}.
   */
  void localAccounts(Predicate<String> listed) {
    this.localAccounts = listed;
  }

  boolean exists(String user) {
    return localOnly.contains(user) || lookups.skeletonOnDisk(user);
  }

  /** {@link Migrations#ensureSkeleton}. */
  void ensure(String user) throws MigrationUnavailableException {
    if (exists(user)) {
      return;
    }
    build(user, FolderRun.Origin.ON_ACCESS, Set.of());
  }

  /** {@link Migrations#ensureSkeletonWithin}: the build goes on when this gives up. */
  boolean ensureWithin(String user, Duration maxWait) throws MigrationUnavailableException {
    if (exists(user)) {
      return true;
    }
    CompletableFuture<Void> build = startOrJoin(user, FolderRun.Origin.ON_ACCESS, Set.of()).build();
    if (ServiceThreads.awaitWithin(build.handle((done, failed) -> Boolean.TRUE), maxWait).isEmpty()) {
      return false;
    }
    await(user, build); // ended: its failure, or a local account the legacy server does not know
    return true;
  }

  /**
   * Builds the user's skeleton, or refreshes it ({@link UserSkeleton#refresh}): one run per user at a time. Serving
   * (which only builds a missing one) and the sweeper join the run in progress; an admin's waits for it and then
   * runs its own, so that the legacy folder list is read after the operator asked, with the names asked for.
   *
   * @param asked legacy or local names to set up even if seen before (admin only)
   */
  void build(String user, FolderRun.Origin origin, Set<String> asked) throws MigrationUnavailableException {
    while (true) {
      Joined run = startOrJoin(user, origin, asked);
      if (run.own() || origin != FolderRun.Origin.ADMIN) {
        await(user, run.build());
        return;
      }
      try {
        ServiceThreads.await(run.build());
      } catch (MigrationUnavailableException | RuntimeException e) {
        // that run's callers hear of its failure; this one runs its own next
      }
      threads.checkOpen();
    }
  }

  /** The user's build: the one running now, or one this call started ({@code own}). */
  private record Joined(CompletableFuture<Void> build, boolean own) {}

  private Joined startOrJoin(String user, FolderRun.Origin origin, Set<String> asked) {
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> running = skeletons.putIfAbsent(user, mine);
    if (running != null) {
      return new Joined(running, false);
    }
    threads.submit(() -> run(user, origin, asked, mine), mine);
    return new Joined(mine, true);
  }

  private void await(String user, CompletableFuture<Void> build) throws MigrationUnavailableException {
    try {
      ServiceThreads.await(build);
    } catch (MigrationUnavailableException e) {
      if (!e.loginRefused() || !localAccounts.test(user) || !loginCheck.meansNoAccount(user, e)) {
        throw e;
      }
      // A local account the legacy server does not know: its store is all there is. Serving trusts this in memory
      // only, so that a legacy account that turns up later (a fixed setting) is still migrated after a restart; the
      // record in INBOX's state is for status.
      MailStore store = stores.apply(user);
      if (!store.exists(MailStore.INBOX)) {
        store.create(MailStore.INBOX);
      }
      if (localOnly.add(user)) { // recorded for status after a restart (review 23, F6: it showed INBOX "pending")
        store.open(MailStore.INBOX).updateDovetailState(s -> SkeletonState.withLocalOnly(s, Instant.now()));
        LOG.info("{}: listed locally, unknown to the legacy server: nothing to migrate", user);
        completed.fire(user, MailStore.INBOX); // INBOX is servable now, as after a migration: LMTP drains its spool
      }
    }
  }

  private void run(String user, FolderRun.Origin origin, Set<String> asked, CompletableFuture<Void> done) {
    try {
      // Serving only builds a missing skeleton; another caller may have built it since this one looked.
      if (origin != FolderRun.Origin.ON_ACCESS || !exists(user)) {
        threads.checkOpen();
        LegacyLogins.Endpoints login = logins.forUser(user); // before the store: no store for a user we cannot serve
        if (!lookups.storeExists(user)) {
          loginCheck.checkLogin(user, login);
        }
        MailStore store = stores.apply(user);
        UserResult r = migrations.open(user, login, store).refreshSkeleton(user, asked, observer);
        if (r.abortReason().isPresent()) {
          String why = "the folders of " + user + " cannot be read from the legacy server now: " + r.abortReason().get();
          throw r.loginRefusal().isPresent() ? MigrationUnavailableException.loginRefused(why, r.loginRefusal().get())
              : new MigrationUnavailableException(why);
        }
        loginCheck.worked(user, login);
        // The legacy folders left without a local twin are recorded with why (status shows them): each refresh tries
        // them again, and the user is not counted complete meanwhile (nothing may be left behind silently).
        r.skeleton().problems().forEach(p -> LOG.warn("{}: skeleton: {}", user, p));
        // Refreshed on every sweeper pass and admin run; the same notice once is enough.
        r.skeleton().notices().stream().filter(n -> told.add(user + '\n' + n))
            .forEach(n -> LOG.warn("{}: {}", user, n));
        if (r.skeleton().unset().isEmpty()) {
          LOG.info("{}: skeleton {}: {} folders, {} new", user, origin == FolderRun.Origin.ON_ACCESS ? "built"
              : "refreshed", r.skeleton().folders().size(), r.skeleton().created().size());
        } else {
          LOG.warn("{}: skeleton not final: {} folders, {} new, {} legacy folder(s) not set up; tried again next time",
              user, r.skeleton().folders().size(), r.skeleton().created().size(), r.skeleton().unset().size());
        }
      }
      skeletons.remove(user, done);
      done.complete(null);
    } catch (Throwable t) {
      skeletons.remove(user, done);
      done.completeExceptionally(t);
    }
  }
}
