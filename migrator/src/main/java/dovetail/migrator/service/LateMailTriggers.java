package dovetail.migrator.service;

import dovetail.migrator.copy.MigrationState.FolderState;
import dovetail.migrator.copy.UserResult;
import dovetail.store.MailStore;
import dovetail.store.MailboxPeek;
import dovetail.store.StoreError;
import dovetail.store.StoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When {@link LateMailSync} checks for late legacy mail, and who waits for it (issue #8): the admin's {@code sync}
 * until done, a client that opens a folder a bounded while, and the sweeper at the end of a round. The admin's and the
 * sweeper's checks of a whole user also take in legacy folders made since the user's skeleton (walk-through 17, F7).
 */
final class LateMailTriggers {
  private static final Logger LOG = LoggerFactory.getLogger(LateMailTriggers.class);

  /** A SELECT checks a folder for late legacy mail at most this often (issue #8). */
  static final Duration ON_ACCESS_EVERY = Duration.ofMinutes(1);
  /** How long a SELECT waits for that check before it goes on without it (the check goes on). */
  private static final Duration ON_ACCESS_WAIT = Duration.ofSeconds(10);

  private final Function<String, MailStore> stores;
  private final StoreLookups lookups;
  private final SkeletonBuilds skeletons;
  private final LateMailSync lateMail;
  private final ServiceThreads threads;
  private final UserRuns userRuns;

  LateMailTriggers(Function<String, MailStore> stores, StoreLookups lookups, SkeletonBuilds skeletons,
      LateMailSync lateMail, ServiceThreads threads, UserRuns userRuns) {
    this.stores = stores;
    this.lookups = lookups;
    this.skeletons = skeletons;
    this.lateMail = lateMail;
    this.threads = threads;
    this.userRuns = userRuns;
  }

  /** {@link Migrations#syncLateMail(String, List, Consumer)}. */
  LateMailReport forAdmin(String user, List<String> folders, Consumer<String> waitNotices)
      throws MigrationUnavailableException {
    threads.checkOpen();
    if (!lookups.storeExists(user)) { // a question creates no store
      throw new MigrationUnavailableException(user + " has no migrated folders");
    }
    MailStore store = stores.apply(user);
    List<String> problems = new ArrayList<>();
    List<String> targets = new ArrayList<>();
    boolean anyMigrated = false;
    for (String folder : folders.isEmpty() ? store.listFolders() : FolderSelection.named(store, folders, problems)) {
      Optional<FolderState> s = FolderState.of(stateOf(store, folder));
      anyMigrated |= s.isPresent();
      if (s.isPresent() && s.get() == FolderState.COMPLETE) {
        targets.add(folder);
      } else if (!folders.isEmpty()) {
        problems.add("'" + folder + "' is " + s.map(FolderState::configName).orElse("local")
            + ", not a complete migrated folder");
      }
    }
    // A user migrated by the offline backup has folder states but no skeleton record (walk-through 16): its complete
    // folders are checked all the same, or the cut-over's last sync -1 failed for every user migrated offline.
    if (!anyMigrated && !skeletons.exists(user)) {
      throw new MigrationUnavailableException(user + " has no migrated folders");
    }
    // The whole user's check also lists the legacy folders: one made there since the user was complete is migrated
    // now, as migrate -u does, or the runbook's last sync -1 passed while its mail stayed behind (walk-through 17, F7).
    if (folders.isEmpty()) {
      // Legacy folders left unset (a local folder of that name holds mail) stay a problem of every sync until mended,
      // not of the first one only (review 21, F4): the runbook asks for a last sync -1 that exits 0.
      problems.addAll(lookups.unsetFolders(user).values());
    }
    LateMailReport checked = lateMail.check(user, targets, problems, folders.isEmpty(), waitNotices);
    if (checked.newOnLegacy().isEmpty()) {
      return checked;
    }
    return migrateNew(checked);
  }

  /** The check's report, once the new legacy folders it found are set up and migrated as {@code migrate -u} does. */
  private LateMailReport migrateNew(LateMailReport checked) {
    String user = checked.user();
    List<String> created = checked.newOnLegacy();
    List<String> problems = new ArrayList<>();
    try {
      skeletons.build(user, FolderRun.Origin.ADMIN, Set.copyOf(created));
    } catch (MigrationUnavailableException e) {
      problems.add("the legacy folders new since the skeleton are not set up: " + e.getMessage());
    }
    MailStore store = stores.apply(user);
    List<String> setUp = created.stream().filter(f -> FolderState.of(stateOf(store, f)).isPresent()).toList();
    if (setUp.size() < created.size()) { // why they could not be (status shows them too)
      lookups.unsetFolders(user).values().stream().filter(p -> !checked.problems().contains(p)).forEach(problems::add);
    }
    if (setUp.isEmpty()) { // an empty list would ask for every remaining folder
      return checked.withNewFolders(List.of(), problems);
    }
    UserResult r = userRuns.migrateRemaining(user, setUp, FolderRun.Origin.ADMIN, null);
    problems.addAll(r.problems());
    r.abortReason().ifPresent(why -> problems.add("the legacy folders new since the skeleton: " + why));
    return checked.withNewFolders(r.folders(), problems);
  }

  /** The folder's Dovetail state, read without writing (a peek): empty for a folder gone meanwhile. */
  private static Map<String, String> stateOf(MailStore store, String folder) {
    return store.peek(folder).map(MailboxPeek::dovetailState).orElse(Map.of());
  }

  /** {@link Migrations#lateMailOnAccess}. */
  void onAccess(String user, String folder) {
    try {
      if (threads.closing() || !lookups.storeExists(user) || !stores.apply(user).exists(folder)
          || !lateMail.takeOnAccess(user, stores.apply(user).open(folder))) {
        return;
      }
      CompletableFuture<LateMailReport> check = new CompletableFuture<>();
      threads.submit(() -> {
        try {
          check.complete(lateMail.check(user, List.of(folder), List.of(), false, notice -> { }));
        } catch (Throwable t) {
          check.completeExceptionally(t);
        }
      }, check);
      check.get(ON_ACCESS_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (StoreException e) {
      if (e.error() != StoreError.UNREADABLE) { // that one refuses the client's command, which logs it
        LOG.warn("{}: {}: late legacy mail not checked on access: {}", user, folder, e.toString());
      }
    } catch (TimeoutException e) {
      LOG.warn("{}: {}: the client did not wait for the check for late legacy mail, which took more than {} s; the"
          + " check carries on, and what it merges reaches the client at its next sync", user, folder,
          ON_ACCESS_WAIT.toSeconds());
    } catch (Exception e) { // the client goes on with what the store has; the check itself may still finish
      Throwable why = e instanceof ExecutionException x && x.getCause() != null ? x.getCause() : e;
      LOG.warn("{}: {}: late legacy mail not checked on access: {}", user, folder, why.toString());
    }
  }

  /**
   * The sweeper's pass after a round: every folder of {@code users} inside the window, until the service closes. A
   * user whose legacy folder list shows folders made since the skeleton gets them set up (pending), which gives the
   * sweeper work on the user again: its rounds migrate them, at the sweeper's rate.
   *
   * @return whether some user got folders set up so (the sweeper then starts its next round at once)
   */
  boolean checkDue(List<String> users) {
    boolean setUp = false;
    for (String user : users) {
      try {
        if (threads.closing()) {
          return setUp;
        }
        // Not only users with a skeleton: one migrated by the offline backup has complete folders without one.
        if (lookups.storeExists(user) && hasMigratedFolder(user)) {
          List<String> due = lateMail.due(stores.apply(user));
          if (!due.isEmpty()) {
            LateMailReport r = lateMail.check(user, due, List.of(), true, notice -> { });
            if (!r.newOnLegacy().isEmpty()) {
              skeletons.build(user, FolderRun.Origin.SWEEPER, Set.of());
              LOG.info("sweeper: {}: set up {} legacy folder(s) made since the user was complete: {}", user,
                  r.newOnLegacy().size(), r.newOnLegacy());
              setUp = true;
            }
          }
        }
      } catch (MigrationUnavailableException | RuntimeException e) {
        LOG.debug("sweeper: {}: late mail not checked: {}", user, e.toString());
      }
    }
    return setUp;
  }

  /** A skeleton, or a folder with a migration state (read without writing, for a store LMTP's spool alone made). */
  private boolean hasMigratedFolder(String user) {
    if (skeletons.exists(user)) {
      return true;
    }
    MailStore store = stores.apply(user);
    return store.listFolders().stream().anyMatch(f -> FolderState.of(stateOf(store, f)).isPresent());
  }
}
