package dovetail.migrator.service;

import com.github.benmanes.caffeine.cache.Ticker;
import dovetail.conf.Settings;
import dovetail.migrator.copy.Backup;
import dovetail.migrator.copy.ConnectionLimiter;
import dovetail.migrator.copy.FolderResult;
import dovetail.migrator.copy.MigrationListener;
import dovetail.migrator.copy.MigrationState.FolderState;
import dovetail.migrator.copy.UserResult;
import dovetail.store.MailLocation;
import dovetail.store.MailStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server's migrations ({@link Migrations}): one per (user, folder) at a time, whoever asks. A user's
 * skeleton is built before the user is served, and serving never waits on the legacy server again for it; the sweeper
 * and an admin's migrate refresh it. A folder migration runs on the service's own threads, so a caller that gives up
 * does not stop it for the others.
 *
 * <p>Read-only questions (hasSkeleton, status, the sweeper's scan) look at {@code mail_location} first and do
 * not create a store for a user who has none ({@link StoreLookups}).
 *
 * <p>This class wires the service's parts and hands each call to the one whose job it is: the skeleton builds ({@link
 * SkeletonBuilds}), one run per folder ({@link FolderRuns}), a user's folders one after the other for the sweeper and
 * the admin ({@link UserRuns}), when late legacy mail is checked ({@link LateMailTriggers}; the check itself is {@link
 * LateMailSync}), the sweeper ({@link Sweeper}, its work {@link SweeperWork}), the users with a session ({@link
 * UserSessions}), the legacy login checks and what a refusal means ({@link LegacyLoginCheck}), the folders a run works
 * on ({@link FolderSelection}), the records status reads ({@link FolderRecords}, written by each run's {@link
 * RunListener}), and the threads ({@link ServiceThreads}).
 */
public final class MigrationService implements Migrations, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MigrationService.class);

  /**
   * What tests and the wiring may tune.
   *
   * @param rescanPeriod how long the sweeper waits between rounds (admin commands shorten it)
   * @param closeWait how long {@link #close} waits for running migrations to stop
   * @param observer receives the events of every migration (metrics, logs, tests)
   * @param passwordTicker measures how long a user's password is kept after the user's last session ({@link
   *     LegacyLogins}; tests move it by hand)
   */
  public record Options(Duration rescanPeriod, Duration closeWait, MigrationListener observer, Ticker passwordTicker) {
    public Options {
      Objects.requireNonNull(rescanPeriod, "rescanPeriod");
      Objects.requireNonNull(closeWait, "closeWait");
      Objects.requireNonNull(observer, "observer");
      Objects.requireNonNull(passwordTicker, "passwordTicker");
    }

    public static Options defaults() {
      return new Options(Duration.ofMinutes(10), Duration.ofSeconds(30), MigrationListener.NONE,
          Ticker.systemTicker());
    }

    public Options withRescanPeriod(Duration value) {
      return new Options(value, closeWait, observer, passwordTicker);
    }

    public Options withObserver(MigrationListener value) {
      return new Options(rescanPeriod, closeWait, value, passwordTicker);
    }

    public Options withPasswordTicker(Ticker value) {
      return new Options(rescanPeriod, closeWait, observer, value);
    }
  }

  private final Function<String, MailStore> stores;
  private final Options options;
  private final LegacyLogins logins;
  private final KnownUsers known;
  private final StoreLookups lookups;
  private final UserSessions sessions;
  private final ServiceThreads threads = new ServiceThreads();
  /** The process's legacy_max_connections cap: closed to new connections when the service closes. */
  private final ConnectionLimiter limiter;
  private final Sweeper sweeper;
  private final LateMailTriggers lateMailTriggers;
  private final LegacyLoginCheck loginCheck;
  private final SkeletonBuilds skeletons;
  private final FolderRuns folderRuns;
  private final UserRuns userRuns;
  private final FolderListeners completed = new FolderListeners("after migration");
  private final FolderListeners legacyModSeqRose = new FolderListeners("after the legacy HIGHESTMODSEQ rose");

  private MigrationService(Settings settings, Function<String, MailStore> stores, ConnectionLimiter limiter, Clock clock,
      Options options) {
    this.limiter = limiter;
    this.stores = stores;
    MailLocation location = MailLocation.parse(settings.store().mailLocation());
    this.lookups = new StoreLookups(stores, location);
    this.options = options;
    this.logins = new LegacyLogins(settings, options.passwordTicker());
    this.sessions = new UserSessions(logins);
    this.known = new KnownUsers(settings.sweeper().usersFile(), location);
    this.loginCheck = new LegacyLoginCheck(settings, limiter, logins, known::all, lookups::readableSkeleton);
    UserMigrations migrations = new UserMigrations(settings, limiter, clock);
    this.skeletons = new SkeletonBuilds(stores, lookups, logins, loginCheck, migrations, threads, options.observer(),
        completed);
    RateLimiter sweeperRate = RateLimiter.perSecond(settings.sweeper().rate());
    RateMeter sweeperMeter = new RateMeter(clock);
    this.folderRuns = new FolderRuns(stores, skeletons, logins, migrations, threads, clock, completed,
        (run, store) -> new RunListener(run, store, options.observer(), threads::closing, sweeperMeter, sweeperRate));
    LateMailSync lateMail = new LateMailSync(settings, stores, logins, limiter, clock, folderRuns::alone,
        LateMailTriggers.ON_ACCESS_EVERY, legacyModSeqRose);
    this.userRuns = new UserRuns(clock, logins, lookups, stores, skeletons, folderRuns);
    this.lateMailTriggers = new LateMailTriggers(stores, lookups, skeletons, lateMail, threads, userRuns);
    this.sweeper = new Sweeper(settings.sweeper().enabled(),
        sweeperConcurrency(settings.sweeper().enabled(), settings.sweeper().concurrency(), limiter.perHost()),
        options.rescanPeriod(),
        new SweeperWork(known, logins, userRuns, lateMailTriggers, sweeperMeter, this::wakeSweeper),
        threads.executor(), sessions::has);
    logins.keepForSweeper(sweeper::needs);
  }

  /**
   * Starts the service (and the sweeper when {@code sweeper = yes}).
   *
   * @param stores the caller's per-user stores, so the front-ends and the migrations share them; they must lie
   *     where {@code mail_location} says
   * @param limiter the process's {@code legacy_max_connections} cap
   * @throws IllegalArgumentException when {@code mail_location} cannot be used
   */
  public static MigrationService create(Settings settings, Function<String, MailStore> stores, ConnectionLimiter limiter,
      Clock clock, Options options) {
    MigrationService service = prepare(settings, stores, limiter, clock, options);
    service.startSweeper();
    return service;
  }

  /**
   * The service without its sweeper, for a server that starts the sweeper ({@link #startSweeper}) once every listener
   * is bound: a start that fails then has migrated nothing.
   */
  public static MigrationService prepare(Settings settings, Function<String, MailStore> stores,
      ConnectionLimiter limiter, Clock clock, Options options) {
    return new MigrationService(settings, stores, limiter, clock, options);
  }

  /** The sweeper's next round as soon as the current one ends (its own work found more). */
  private void wakeSweeper() {
    sweeper.wake();
  }

  /** Starts the sweeper when {@code sweeper = yes}. */
  public void startSweeper() {
    sweeper.start();
  }

  public static MigrationService create(Settings settings, Function<String, MailStore> stores, ConnectionLimiter limiter,
      Clock clock) {
    return create(settings, stores, limiter, clock, Options.defaults());
  }

  /** With each user's store opened from {@code mail_location}. */
  public static MigrationService create(Settings settings, ConnectionLimiter limiter, Clock clock) {
    return create(settings, user -> Backup.store(settings, user), limiter, clock);
  }

  // ---------------------------------------------------------------------------------------------- skeleton

  /**
   * The users Dovetail itself lists (a passwd-file passdb). Such a user whom the legacy server refuses, while a master
   * login is known to work, has nothing to migrate: see {@link SkeletonBuilds#ensure}.
   */
  public void localAccounts(Predicate<String> listed) {
    skeletons.localAccounts(listed);
  }

  @Override
  public boolean hasSkeleton(String user) {
    return skeletons.exists(user);
  }

  @Override
  public boolean refusalMeansNoAccount(String user, MigrationUnavailableException refusal) {
    return loginCheck.meansNoAccount(user, refusal);
  }

  @Override
  public void ensureSkeleton(String user) throws MigrationUnavailableException {
    skeletons.ensure(user);
  }

  @Override
  public boolean ensureSkeletonWithin(String user, Duration maxWait) throws MigrationUnavailableException {
    return skeletons.ensureWithin(user, maxWait);
  }

  // ---------------------------------------------------------------------------------------------- folders

  @Override
  public Access access(String user, String folder) {
    if (!lookups.storeExists(user)) {
      return Access.READY;
    }
    MailStore store = stores.apply(user);
    if (!store.exists(folder)) {
      return Access.READY;
    }
    // One the server may not read has nothing to migrate into: the command goes on, and is refused where it opens it.
    Optional<FolderState> state = store.openIfReadable(folder, why -> { })
        .flatMap(box -> FolderState.of(box.dovetailState()));
    if (state.isEmpty()) {
      return Access.READY;
    }
    if (state.get() == FolderState.FAILED) {
      return Access.REFUSED_UNTIL_OPERATOR;
    }
    return FolderSelection.resumable(state.get()) ? Access.MIGRATE_FIRST : Access.READY;
  }

  @Override
  public Map<String, Access> foldersNotReady(String user) {
    return lookups.storeExists(user) ? notReady(user, stores.apply(user).listFolders()) : Map.of();
  }

  @Override
  public FolderResult ensureFolder(String user, String folder, MigrationListener listener)
      throws MigrationUnavailableException {
    return folderRuns.ensure(user, folder, listener, FolderRun.Origin.ON_ACCESS);
  }

  @Override
  public Optional<FolderResult> ensureFolderWithin(String user, String folder, MigrationListener listener,
      java.time.Duration maxWait) throws MigrationUnavailableException {
    return folderRuns.ensureWithin(user, folder, listener, FolderRun.Origin.ON_ACCESS, maxWait);
  }

  // ---------------------------------------------------------------------------------------------- users

  @Override
  public void loggedIn(String user, Optional<String> password) {
    sessions.opened(user, password);
    known.add(user);
    sweeper.offer(user);
  }

  @Override
  public void loggedOut(String user) {
    sessions.closed(user);
  }

  /** The users with a session now (the sweeper takes them first; admin and tests). */
  public Set<String> loggedInUsers() {
    return sessions.users();
  }

  @Override
  public CompletableFuture<UserResult> migrateUser(String user, List<String> folders) {
    MailLocation.checkUserName(user); // before it becomes known: a bad name would break every later status
    boolean newName = known.add(user);
    sweeper.wake();
    CompletableFuture<UserResult> result = new CompletableFuture<>();
    threads.submit(() -> {
      AtomicReference<MigrationUnavailableException> stop = new AtomicReference<>();
      UserResult r = userRuns.migrateRemaining(user, folders, FolderRun.Origin.ADMIN, null, stop);
      if (stop.get() == null || !stop.get().loginRefused()) {
        result.complete(r);
        return;
      }
      // Refused at the first login, so nothing migrated: running it again will not help. A name with nothing of it
      // here (a typo) keeps no trace, or the sweeper would try it every round and status list it for good. A local
      // account is not refused (SkeletonBuilds).
      boolean nothingHere = !lookups.storeExists(user);
      if (newName && nothingHere) {
        known.forget(user);
      }
      result.completeExceptionally(loginCheck.refused(user, stop.get(), nothingHere));
    }, result);
    return result;
  }

  @Override
  public UserStatus status(String user) {
    if (!lookups.storeExists(user)) {
      return new UserStatus(user, false, List.of());
    }
    // INBOX's state read once; the skeleton builds asked only when it records no listing (a local-only finding of
    // this process)
    return StatusReader.read(user, stores.apply(user), () -> hasSkeleton(user), folder -> folderRuns.runOf(user, folder));
  }

  // ---------------------------------------------------------------------------------------------- late mail

  @Override
  public LateMailReport syncLateMail(String user, List<String> folders, Consumer<String> waitNotices)
      throws MigrationUnavailableException {
    return lateMailTriggers.forAdmin(user, folders, waitNotices);
  }

  @Override
  public void lateMailOnAccess(String user, String folder) {
    lateMailTriggers.onAccess(user, folder);
  }

  @Override
  public List<String> knownUsers() {
    return known.all();
  }

  @Override
  public SweeperControl sweeper() {
    return sweeper;
  }

  /** Runs {@code listener} on the migration's thread each time a folder's migration completes here. */
  public void onFolderComplete(FolderListeners.Listener listener) {
    completed.add(listener);
  }

  /**
   * Runs {@code listener} each time a check for late legacy mail finds that the legacy folder's HIGHESTMODSEQ rose past
   * what its state recorded (flags changed there since, by a client still syncing with the legacy server).
   */
  public void onLegacyModSeqRose(FolderListeners.Listener listener) {
    legacyModSeqRose.add(listener);
  }

  /** Waits until {@code n} callers have joined the folder's running migration (tests; call it during the run). */
  void awaitJoiners(String user, String folder, int n) throws InterruptedException {
    folderRuns.runOf(user, folder).awaitJoiners(n);
  }

  /** Waits until the sweeper has ended {@code n} rounds (tests). */
  void awaitSweeperRounds(int n) throws InterruptedException {
    sweeper.awaitRounds(n);
  }

  // ---------------------------------------------------------------------------------------------- plumbing

  /**
   * The users the sweeper takes at once: each holds a legacy connection for a whole folder, so at most
   * legacy_max_connections - 1, and one connection stays for clients (walk-through 18, F7: with both of two taken, a
   * new user's first LIST waited 47 s, silently, for a sweep to finish a folder).
   */
  static int sweeperConcurrency(boolean enabled, int asked, int maxConnections) {
    int most = Math.max(1, maxConnections - 1);
    if (enabled && asked > most) {
      LOG.warn("sweeper_concurrency = {} would leave clients no legacy connection (legacy_max_connections = {}): the"
          + " sweeper takes {} user(s) at a time", asked, maxConnections, most);
    }
    return Math.min(asked, most);
  }

  /** Stops taking work and tells running migrations to stop at their next message (tests call it alone). */
  void beginClose() {
    threads.beginClose();
    limiter.stopOpening();
    sweeper.close();
  }

  /**
   * Stops the sweeper, ends running migrations at their next message, and waits up to closeWait in all for them and
   * for the sweeper's own thread (its late-mail checks), so that nothing of the service writes after it returns.
   */
  @Override
  public void close() {
    beginClose();
    long deadline = System.nanoTime() + options.closeWait().toNanos();
    threads.shutdown(options.closeWait());
    try {
      if (!sweeper.awaitStopped(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
        LOG.warn("the sweeper's late-mail check still running after {}; not waiting longer", options.closeWait());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
