package dovetail.migrator.service;

import dovetail.conf.Settings;
import dovetail.migrator.copy.Backup;
import dovetail.migrator.copy.ConnectionLimiter;
import dovetail.migrator.copy.FolderResult.Outcome;
import dovetail.migrator.copy.FolderResult;
import dovetail.migrator.copy.LegacyEndpoints;
import dovetail.migrator.copy.MigrationListener;
import dovetail.migrator.copy.MigrationState.FolderState;
import dovetail.migrator.copy.MigrationState;
import dovetail.migrator.copy.SkeletonState;
import dovetail.migrator.copy.StoredOrigins;
import dovetail.migrator.copy.UserMigration;
import dovetail.migrator.copy.UserResult;
import dovetail.migrator.copy.UserSkeleton;
import dovetail.migrator.source.LegacyException;
import dovetail.migrator.source.LegacyImapSession;
import dovetail.migrator.source.LegacyImapSource;
import dovetail.store.MailLocation;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MailboxPeek;
import dovetail.store.StoreError;
import dovetail.store.StoreException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server's migrations ({@link Migrations}): one per (user, folder) at a time, whoever asks.
 * A user's skeleton is built before the user is served ({@link SkeletonState#BUILT} in INBOX's state says so
 * across restarts), and serving never waits on the legacy server again for it. The sweeper, when it works on a
 * user, and an admin's migrate refresh it ({@link UserSkeleton#refresh}): legacy folders created since are set up,
 * and those a build could not set up are tried again. A folder migration runs on the service's own threads, so a
 * caller that gives up does not stop it for the others. Folders are copied by {@link UserMigration#runFolders} (no LIST/LSUB per folder), with
 * its reconnects and backoff, behind the shared per-host connection cap.
 *
 * <p>Read-only questions (hasSkeleton, status, the sweeper's scan) look at {@code mail_location} first and do
 * not create a store for a user who has none.
 */
public final class MigrationService implements Migrations, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MigrationService.class);

  /**
   * What tests and the wiring may tune.
   *
   * @param rescanPeriod how long the sweeper waits between rounds (admin commands shorten it)
   * @param closeWait how long {@link #close} waits for running migrations to stop
   * @param observer receives the events of every migration (metrics, logs, tests)
   */
  public record Options(Duration rescanPeriod, Duration closeWait, MigrationListener observer) {
    public Options {
      Objects.requireNonNull(rescanPeriod, "rescanPeriod");
      Objects.requireNonNull(closeWait, "closeWait");
      Objects.requireNonNull(observer, "observer");
    }

    public static Options defaults() {
      return new Options(Duration.ofMinutes(10), Duration.ofSeconds(30), MigrationListener.NONE);
    }

    public Options withRescanPeriod(Duration value) {
      return new Options(value, closeWait, observer);
    }

    public Options withObserver(MigrationListener value) {
      return new Options(rescanPeriod, closeWait, value);
    }
  }

  private record Key(String user, String folder) {}

  /** A SELECT checks a folder for late legacy mail at most this often (issue #8). */
  private static final Duration LATE_MAIL_ON_ACCESS_EVERY = Duration.ofMinutes(1);
  /** How long a SELECT waits for that check before it goes on without it (the check goes on). */
  private static final Duration LATE_MAIL_ON_ACCESS_WAIT = Duration.ofSeconds(10);

  /** Ends a migration at the next message when the service closes; what was committed stays. */
  private static final class Stopped extends RuntimeException {
    Stopped() {
      super("Dovetail is shutting down", null, false, false);
    }
  }

  private final Settings settings;
  private final Function<String, MailStore> stores;
  private final MailLocation location;
  private final ConnectionLimiter limiter;
  private final Clock clock;
  private final Options options;
  private final LegacyLogins logins;
  private final KnownUsers known;
  private final Map<Key, FolderRun> running = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Void>> skeletons = new ConcurrentHashMap<>();
  private final Map<String, Integer> sessions = new ConcurrentHashMap<>();
  private final ExecutorService executor;
  private final RateLimiter sweeperRate;
  private final RateMeter sweeperMeter;
  private final Sweeper sweeper;
  private final LateMailSync lateMail;
  private volatile boolean closing;
  /** The last user as whom a master-user login to the legacy server worked in this process (see {@link #masterCheck}). */
  private volatile String masterWitness;
  private volatile Predicate<String> localAccounts = user -> false;
  /** Local accounts found to have nothing on the legacy server (see {@link #ensureSkeleton}). */
  private final Set<String> localOnly = ConcurrentHashMap.newKeySet();
  private final FolderListeners completed = new FolderListeners("after migration");
  private final FolderListeners legacyModSeqRose = new FolderListeners("after the legacy HIGHESTMODSEQ rose");

  private MigrationService(Settings settings, Function<String, MailStore> stores, ConnectionLimiter limiter, Clock clock,
      Options options) {
    this.settings = settings;
    this.stores = stores;
    this.location = MailLocation.parse(settings.store().mailLocation());
    this.limiter = limiter;
    this.clock = clock;
    this.options = options;
    this.logins = new LegacyLogins(settings);
    this.known = new KnownUsers(settings.sweeper().usersFile(), location);
    AtomicInteger n = new AtomicInteger();
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "dovetail-migration-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.sweeperRate = RateLimiter.perSecond(settings.sweeper().rate());
    this.sweeperMeter = new RateMeter(clock);
    this.sweeper = new Sweeper(settings.sweeper().enabled(), settings.sweeper().concurrency(), options.rescanPeriod(),
        new SweeperWork(), executor, user -> sessions.containsKey(user));
    this.lateMail = new LateMailSync(settings, stores, logins, limiter, clock, this::alone, LATE_MAIL_ON_ACCESS_EVERY,
        legacyModSeqRose);
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
   * login is known to work, has nothing to migrate: see {@link #ensureSkeleton}.
   */
  public void localAccounts(Predicate<String> listed) {
    this.localAccounts = listed;
  }

  @Override
  public boolean hasSkeleton(String user) {
    return localOnly.contains(user) || skeletonOnDisk(user);
  }

  private boolean skeletonOnDisk(String user) {
    return SkeletonState.built(inboxState(user));
  }

  /** {@link #skeletonOnDisk}, false for a user whose INBOX state cannot be read (another user's damaged file). */
  private boolean readableSkeleton(String user) {
    try {
      return skeletonOnDisk(user);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The legacy folders the user's skeleton could not set up yet, with why (see {@link SkeletonState#UNSET_PREFIX}). */
  private Map<String, String> unsetFolders(String user) {
    return SkeletonState.unset(inboxState(user));
  }

  /** INBOX's Dovetail state; empty without a store (none is created for a question, and nothing written). */
  private Map<String, String> inboxState(String user) {
    if (!storeExists(user)) {
      return Map.of();
    }
    return stores.apply(user).peek(MailStore.INBOX).map(MailboxPeek::dovetailState).orElse(Map.of());
  }

  @Override
  public boolean refusalMeansNoAccount(String user, MigrationUnavailableException refusal) {
    return masterCheck(user, refusal).noAccount();
  }

  /**
   * What a refused login of the master user says about the user: no account there, or nothing (the master credentials
   * may be wrong, for every user alike), with why. {@code [AUTHORIZATIONFAILED]} says it itself (RFC 5530: the master
   * user was accepted, acting as the user was not). A plain refusal ({@code [AUTHENTICATIONFAILED]}, Dovecot's answer
   * to a wrong master password, or no code) tells neither apart, and a master login that worked earlier proves
   * nothing now (walk-through 11, W4: {@code imapc_password} changed on the legacy server): so the master user logs
   * in once more, now, as a user it logged in as before (in this process, or else a user with a skeleton). One extra
   * login, only on a refusal.
   */
  private MasterCheck masterCheck(String user, MigrationUnavailableException refusal) {
    if (!refusal.loginRefused() || !settings.imapc().hasMasterUser()) {
      return new MasterCheck(false, "");
    }
    if (masterAcceptedButNotAsUser(refusal)) {
      return new MasterCheck(true, "");
    }
    // A witness logs in as the same master user (imapc_master_user may name one per domain, admin@%d).
    Optional<String> master = settings.imapc().masterUserFor(user);
    String last = masterWitness;
    Optional<String> witness = last != null && !last.equals(user) && settings.imapc().masterUserFor(last).equals(master)
        ? Optional.of(last)
        : known.all().stream().filter(u -> !u.equals(user) && settings.imapc().masterUserFor(u).equals(master)
            && readableSkeleton(u)).findFirst();
    if (witness.isEmpty()) {
      return new MasterCheck(false, "and no master login has worked yet: check imapc_master_user and imapc_password"
          + " (or the name)");
    }
    try {
      checkLogin(witness.get(), logins.forUser(witness.get()));
      return new MasterCheck(true, "");
    } catch (MigrationUnavailableException e) {
      if (masterAcceptedButNotAsUser(e)) {
        // The witness is gone there, but the master user's credentials were accepted: that is the proof.
        masterWitness = null;
        return new MasterCheck(true, "");
      }
      LOG.info("the master user cannot log in to the legacy server as {} now: {}", witness.get(), e.getMessage());
      return new MasterCheck(false, e.loginRefused()
          ? "and refused it now for " + witness.get() + " too, as whom it logged in before: check imapc_master_user"
              + " and imapc_password (changed on the legacy server?)"
          : "and the master login could not be checked again now (as " + witness.get() + ": " + e.getMessage() + ")");
    }
  }

  /** @param why when not {@code noAccount}: why the refusal may not be the user's (empty otherwise) */
  private record MasterCheck(boolean noAccount, String why) {}

  @Override
  public void ensureSkeleton(String user) throws MigrationUnavailableException {
    if (hasSkeleton(user)) {
      return;
    }
    skeleton(user, FolderRun.Origin.ON_ACCESS, Set.of());
  }

  /**
   * Builds the user's skeleton, or refreshes it ({@link UserSkeleton#refresh}): one run per user at a time. Serving
   * (which only builds a missing one) and the sweeper join the run in progress; an admin's waits for it and then
   * runs its own, so that the legacy folder list is read after the operator asked, with the names asked for.
   *
   * @param asked legacy or local names to set up even if seen before (admin only)
   */
  private void skeleton(String user, FolderRun.Origin origin, Set<String> asked) throws MigrationUnavailableException {
    while (true) {
      CompletableFuture<Void> mine = new CompletableFuture<>();
      CompletableFuture<Void> running = skeletons.putIfAbsent(user, mine);
      if (running == null) {
        submit(() -> buildSkeleton(user, origin, asked, mine), mine);
        awaitSkeleton(user, mine);
        return;
      }
      if (origin != FolderRun.Origin.ADMIN) {
        awaitSkeleton(user, running);
        return;
      }
      try {
        await(running);
      } catch (MigrationUnavailableException | RuntimeException e) {
        // that run's callers hear of its failure; this one runs its own next
      }
      checkOpen();
    }
  }

  private void awaitSkeleton(String user, CompletableFuture<Void> build) throws MigrationUnavailableException {
    try {
      await(build);
    } catch (MigrationUnavailableException e) {
      if (!e.loginRefused() || !localAccounts.test(user) || !refusalMeansNoAccount(user, e)) {
        throw e;
      }
      // A local account the legacy server does not know: its store is all there is. Kept in memory only, so that a
      // legacy account that turns up later (a fixed setting) is still migrated after a restart.
      MailStore store = stores.apply(user);
      if (!store.exists(MailStore.INBOX)) {
        store.create(MailStore.INBOX);
      }
      if (localOnly.add(user)) {
        LOG.info("{}: listed locally, unknown to the legacy server: nothing to migrate", user);
        completed.fire(user, MailStore.INBOX); // INBOX is servable now, as after a migration: LMTP drains its spool
      }
    }
  }

  /**
   * RFC 5530: {@code AUTHORIZATIONFAILED} says that the authentication identity (the master user, with its password)
   * was accepted, and only acting as the user asked for was refused; Dovecot answers so for a user it does not have,
   * and {@code AUTHENTICATIONFAILED} for a wrong master password. Such a refusal proves the master login itself, so no
   * login is made to check it (see {@link #masterCheck}).
   */
  private boolean masterAcceptedButNotAsUser(MigrationUnavailableException e) {
    return e.loginRefused() && settings.imapc().hasMasterUser()
        && e.getMessage() != null && e.getMessage().contains("[AUTHORIZATIONFAILED]");
  }

  private void buildSkeleton(String user, FolderRun.Origin origin, Set<String> asked, CompletableFuture<Void> done) {
    try {
      // Serving only builds a missing skeleton; another caller may have built it since this one looked.
      if (origin != FolderRun.Origin.ON_ACCESS || !hasSkeleton(user)) {
        checkOpen();
        LegacyLogins.Endpoints login = logins.forUser(user); // before the store: no store for a user we cannot serve
        if (!storeExists(user)) {
          checkLogin(user, login);
        }
        MailStore store = stores.apply(user);
        UserResult r = migration(user, login, store).refreshSkeleton(user, asked, options.observer());
        if (r.abortReason().isPresent()) {
          throw new MigrationUnavailableException("the folders of " + user + " cannot be read from the legacy server now: "
              + r.abortReason().get(), null, r.abortReason().get().startsWith(UserMigration.LOGIN_REFUSED));
        }
        if (login.imap().hasMasterUser()) {
          masterWitness = user;
        }
        // The legacy folders left without a local twin are recorded with why (status shows them): each refresh tries
        // them again, and the user is not counted complete meanwhile (nothing may be left behind silently).
        r.skeleton().problems().forEach(p -> LOG.warn("{}: skeleton: {}", user, p));
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

  /**
   * One login before a user's store is made: a user the legacy server refuses (a typo in {@code migrate -u}) gets
   * no store, so it does not become a "known user" that the sweeper would try again every round.
   */
  private void checkLogin(String user, LegacyLogins.Endpoints login) throws MigrationUnavailableException {
    LegacyImapSource source = limiter.limit(
        LegacyImapSource.create(login.imap(), LegacyEndpoints.fetchLimits(settings)), login.imap().host());
    try (LegacyImapSession session = source.open(user)) {
      LOG.debug("{}: the legacy server accepts the login", user);
      if (login.imap().hasMasterUser()) {
        masterWitness = user;
      }
    } catch (LegacyException e) {
      throw new MigrationUnavailableException("the legacy server did not let " + user + " log in: " + e.getMessage(), e,
          e.kind() == LegacyException.Kind.AUTH_FAILED);
    }
  }

  // ---------------------------------------------------------------------------------------------- folders

  @Override
  public boolean needsMigration(String user, String folder) {
    if (!storeExists(user)) {
      return false;
    }
    MailStore store = stores.apply(user);
    if (!store.exists(folder)) {
      return false;
    }
    // One the server may not read has nothing to migrate into: the command goes on, and is refused where it opens it.
    Optional<FolderState> state = store.openIfReadable(folder, why -> { })
        .flatMap(box -> FolderState.of(box.dovetailState()));
    return state.isPresent() && resumable(state.get());
  }

  @Override
  public List<String> foldersNeedingMigration(String user) {
    return storeExists(user) ? stores.apply(user).listFolders().stream().filter(f -> needsMigration(user, f)).toList()
        : List.of();
  }

  @Override
  public FolderResult ensureFolder(String user, String folder, MigrationListener listener)
      throws MigrationUnavailableException {
    return ensureFolder(user, folder, listener, FolderRun.Origin.ON_ACCESS);
  }

  private FolderResult ensureFolder(String user, String folder, MigrationListener listener, FolderRun.Origin origin)
      throws MigrationUnavailableException {
    ensureSkeleton(user);
    MailStore store = stores.apply(user);
    if (!store.exists(folder)) {
      return nothingToDo(folder); // not a legacy folder; the caller answers as for any missing folder
    }
    Optional<FolderState> state = FolderState.of(store.open(folder).dovetailState());
    if (state.isEmpty() || state.get() == FolderState.COMPLETE) {
      return nothingToDo(folder);
    }
    Key key = new Key(user, store.open(folder).name());
    boolean[] created = {false};
    FolderRun run = running.computeIfAbsent(key, k -> {
      created[0] = true;
      return new FolderRun(k.user(), k.folder(), origin);
    });
    run.join(listener, origin);
    if (created[0]) {
      submit(() -> migrate(run), run.result());
    }
    try {
      return await(run.result());
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
      checkOpen();
      LegacyLogins.Endpoints login = logins.forUser(user);
      MailStore store = stores.apply(user);
      UserResult r = migration(user, login, store).runFolders(user, List.of(folder), new RunListener(run, store));
      if (r.abortReason().isPresent()) {
        String reason = r.abortReason().get();
        recordError(store, folder, reason);
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
    } catch (Stopped s) {
      running.remove(new Key(user, folder), run);
      run.result().completeExceptionally(new MigrationUnavailableException(s.getMessage()));
    } catch (Throwable t) {
      running.remove(new Key(user, folder), run);
      run.result().completeExceptionally(t);
    }
  }

  private UserMigration migration(String user, LegacyLogins.Endpoints login, MailStore store) {
    return Backup.migration(settings, user, login.imap(), login.pop3(), store, o -> o, limiter, clock);
  }

  /** The run's own listener: totals into the store, the sweeper's rate, shutdown, the observer, then every joiner. */
  private final class RunListener implements MigrationListener {
    private final FolderRun run;
    private final MailStore store;
    private final MigrationListener fanOut;
    /** Whether this run migrated (a folder already complete is not started, and its record stays as it was). */
    private volatile boolean started;

    RunListener(FolderRun run, MailStore store) {
      this.run = run;
      this.store = store;
      this.fanOut = run.fanOut();
    }

    @Override
    public void folderStarted(String folder, long messages, long bytes) {
      started = true;
      recordTotals(store.open(folder), messages, bytes);
      options.observer().folderStarted(folder, messages, bytes);
      fanOut.folderStarted(folder, messages, bytes);
    }

    @Override
    public void progress(dovetail.migrator.copy.Progress progress) {
      if (closing) {
        throw new Stopped();
      }
      if (run.sweeperInvolved()) {
        sweeperMeter.mark();
      }
      if (run.sweeperOnly()) {
        try {
          sweeperRate.acquire();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new Stopped();
        }
      }
      options.observer().progress(progress);
      fanOut.progress(progress);
    }

    @Override
    public void folderFinished(FolderResult result) {
      if (started && result.outcome() == FolderResult.Outcome.COMPLETE) {
        recordMigrated(store.open(result.folder()));
      }
      options.observer().folderFinished(result);
      fanOut.folderFinished(result);
    }

    @Override
    public void retrying(String reason, Duration delay, int attempt) {
      options.observer().retrying(reason, delay, attempt);
      fanOut.retrying(reason, delay, attempt);
    }
  }

  /**
   * The legacy totals when a migration (re)starts: the legacy messages stored, those still to copy, and those waiting
   * because another program took their UIDs (not in {@code toCopy} until an operator runs the folder).
   */
  private void recordTotals(Mailbox box, long toCopy, long bytesToCopy) {
    StoredOrigins origins = StoredOrigins.of(box.dovetailState());
    Copies stored = Copies.in(box, origins, Long.MAX_VALUE);
    Map<String, String> updates = new HashMap<>();
    updates.put(ServiceState.LEGACY_MESSAGES, Long.toString(stored.messages() + toCopy + origins.waiting()));
    // The waiting messages' sizes are not known here: no total rather than a short one.
    updates.put(ServiceState.LEGACY_BYTES, bytesToCopy < 0 || origins.waiting() > 0 ? null
        : Long.toString(stored.bytes() + bytesToCopy));
    box.updateDovetailState(s -> ServiceState.merged(s, updates));
  }

  /**
   * What the migration put in the store, counted as it completes: the legacy messages (below the legacy UIDNEXT, or
   * moved above it when another program had taken their UIDs). Status shows that, not what the user has left after
   * deleting some here.
   */
  private static void recordMigrated(Mailbox box) {
    try {
      Map<String, String> state = box.dovetailState();
      Copies migrated = Copies.in(box, StoredOrigins.of(state), StatusReader.uidNext(state));
      Map<String, String> updates = new HashMap<>();
      updates.put(ServiceState.MIGRATED_MESSAGES, Long.toString(migrated.messages()));
      updates.put(ServiceState.MIGRATED_BYTES, Long.toString(migrated.bytes()));
      box.updateDovetailState(s -> ServiceState.merged(s, updates));
    } catch (RuntimeException e) {
      LOG.warn("{}: cannot record what its migration copied: {}", box.name(), e.toString());
    }
  }

  /** The legacy copies a folder holds ({@link StoredOrigins#migrated}), and their bytes. */
  private record Copies(long messages, long bytes) {
    static Copies in(Mailbox box, StoredOrigins origins, long uidNext) {
      long messages = 0;
      long bytes = 0;
      for (var m : box.messages()) {
        if (origins.migrated(m.uid(), uidNext)) {
          messages++;
          bytes += m.virtualSize();
        }
      }
      return new Copies(messages, bytes);
    }
  }

  /** A run that could not even start (no login) leaves its reason where status finds it. */
  private static void recordError(MailStore store, String folder, String reason) {
    try {
      Mailbox box = store.open(folder);
      Map<String, String> updates = new HashMap<>();
      updates.put(MigrationState.ERROR, reason.replaceAll("[\\r\\n\\t]+", " "));
      box.updateDovetailState(s -> ServiceState.merged(s, updates));
    } catch (RuntimeException e) {
      LOG.warn("{}: cannot record the error: {}", folder, e.toString());
    }
  }

  private static FolderResult nothingToDo(String folder) {
    return new FolderResult(folder, Outcome.COMPLETE, 0, 0, List.of(), "");
  }

  private static boolean resumable(FolderState s) {
    return s == FolderState.PENDING || s == FolderState.MIGRATING || s == FolderState.PARTIAL;
  }

  // ---------------------------------------------------------------------------------------------- users

  @Override
  public void loggedIn(String user, Optional<String> password) {
    password.ifPresent(p -> logins.remember(user, p));
    sessions.merge(user, 1, Integer::sum);
    known.add(user);
    sweeper.offer(user);
  }

  @Override
  public void loggedOut(String user) {
    sessions.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
  }

  @Override
  public CompletableFuture<UserResult> migrateUser(String user, List<String> folders) {
    MailLocation.checkUserName(user); // before it becomes known: a bad name would break every later status
    boolean newName = known.add(user);
    sweeper.wake();
    CompletableFuture<UserResult> result = new CompletableFuture<>();
    submit(() -> {
      AtomicReference<MigrationUnavailableException> stop = new AtomicReference<>();
      UserResult r = migrateRemaining(user, folders, FolderRun.Origin.ADMIN, null, stop);
      if (stop.get() == null || !stop.get().loginRefused()) {
        result.complete(r);
        return;
      }
      // Refused at the first login, so nothing migrated: running it again will not help. A name with nothing of it
      // here (a typo) keeps no trace, or the sweeper would try it every round and status list it for good. A local
      // account is not refused (awaitSkeleton).
      boolean nothingHere = !storeExists(user);
      if (newName && nothingHere) {
        known.forget(user);
      }
      result.completeExceptionally(refused(user, stop.get(), nothingHere));
    }, result);
    return result;
  }

  /**
   * Why the legacy server refused the user, as far as its answer tells (RFC 5530 codes, the master user). Only a
   * refusal that shows the user does not exist there is "no such user" (a rerun will not help); with a master user,
   * the master credentials may be what is wrong, for every user alike, until {@link #masterCheck} shows otherwise.
   */
  private MigrationUnavailableException refused(String user, MigrationUnavailableException refusal,
      boolean nothingKept) {
    String detail = refusal.getMessage();
    String why;
    boolean noSuchUser = true;
    MasterCheck master;
    if (!settings.imapc().hasMasterUser()) {
      why = "the legacy server refused the login for " + user + " (no such user there, or a wrong password)";
    } else if (detail.contains("[AUTHORIZATIONFAILED]")) {
      why = "the legacy server does not know " + user + " (it accepted the master user, not acting as " + user + ")";
    } else if ((master = masterCheck(user, refusal)).noAccount()) {
      why = "the legacy server refused the login for " + user + " (no such user there: the master user logs in)";
    } else {
      why = "the legacy server refused the master user's login for " + user + ", " + master.why();
      noSuchUser = false;
    }
    return new MigrationUnavailableException(why + ": " + detail + (nothingKept ? "; nothing was kept for " + user
        + (noSuchUser ? ": check the name" : "") : ""), null, noSuchUser);
  }

  /**
   * The user's remaining folders (or the named ones), one after the other through {@link #ensureFolder}, so
   * that admin and sweeper join what a client started. Stops at the first folder the legacy server cannot serve.
   *
   * @param gate the sweeper, asked before each folder; null for admin work
   */
  private UserResult migrateRemaining(String user, List<String> folders, FolderRun.Origin origin, Sweeper gate) {
    return migrateRemaining(user, folders, origin, gate, new AtomicReference<>());
  }

  /** @param stop receives what stopped the run before its first folder (no skeleton: the login refused, ...) */
  private UserResult migrateRemaining(String user, List<String> folders, FolderRun.Origin origin, Sweeper gate,
      AtomicReference<MigrationUnavailableException> stop) {
    Instant start = clock.instant();
    List<String> problems = new ArrayList<>();
    List<FolderResult> results = new ArrayList<>();
    String abort = null;
    String abortedAt = null; // the folder whose migration could not run
    long messages = 0;
    long bytes = 0;
    try {
      if (gate != null && !gate.awaitTurn()) {
        throw new MigrationUnavailableException("the sweeper stopped");
      }
      refreshSkeleton(user, folders, origin, problems);
      if (folders.isEmpty()) {
        problems.addAll(unsetFolders(user).values()); // the user is not complete: say why
      }
      MailStore store = stores.apply(user);
      List<String> targets = folders.isEmpty() ? remaining(store, origin, problems) : named(store, folders, problems);
      for (String folder : targets) {
        if (abort == null && gate != null && !gate.awaitTurn()) {
          abort = "the sweeper stopped";
        }
        if (abort != null) {
          // Another folder's reason: say so, or the line reads as this folder's own problem.
          results.add(new FolderResult(folder, Outcome.NOT_ATTEMPTED, 0, 0, List.of(),
              abortedAt == null ? abort : "the run stopped at " + abortedAt + ": " + abort));
          continue;
        }
        try {
          FolderResult r = ensureFolder(user, folder, MigrationListener.NONE, origin);
          results.add(r);
          messages += r.messages();
          bytes += r.bytes();
        } catch (MigrationUnavailableException e) {
          abort = e.getMessage();
          abortedAt = folder;
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
      stop.set(e);
    }
    return new UserResult(user, null, results, problems, Optional.ofNullable(abort), messages, bytes,
        Duration.between(start, clock.instant()));
  }

  /** Pending, migrating and partial folders; for an admin, failed ones too (a retry an operator asked for). */
  private static List<String> remaining(MailStore store, FolderRun.Origin origin, List<String> problems) {
    List<String> out = new ArrayList<>();
    for (String folder : store.listFolders()) {
      // Nothing can be migrated into a folder the server may not read: the user is not complete, and says why.
      Optional<FolderState> s = store.openIfReadable(folder, problems::add)
          .flatMap(box -> FolderState.of(box.dovetailState()));
      if (s.isPresent() && (resumable(s.get()) || (origin == FolderRun.Origin.ADMIN && s.get() == FolderState.FAILED))) {
        out.add(folder);
      }
    }
    return out;
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
    if (storeExists(user)) {
      MailStore store = stores.apply(user);
      List<String> all = store.listFolders();
      folders.stream().filter(f -> local(store, all, f).isEmpty()).forEach(asked::add);
    }
    if (hasSkeleton(user) && unsetFolders(user).isEmpty() && !folders.isEmpty() && asked.isEmpty()) {
      return;
    }
    try {
      skeleton(user, origin, asked);
    } catch (MigrationUnavailableException e) {
      if (!hasSkeleton(user)) {
        throw e;
      }
      problems.add(e.getMessage());
    }
  }

  /** Folders asked for by local name, or by their legacy name. */
  private static List<String> named(MailStore store, List<String> asked, List<String> problems) {
    List<String> out = new ArrayList<>();
    List<String> all = store.listFolders();
    for (String name : asked) {
      Optional<String> local = local(store, all, name);
      if (local.isEmpty()) {
        problems.add("no folder '" + name + "'");
      } else if (!out.contains(local.get())) {
        out.add(local.get());
      }
    }
    return out;
  }

  /** The local folder {@code name} means: the one of that name, else the one migrated from that legacy name. */
  private static Optional<String> local(MailStore store, List<String> all, String name) {
    if (name.equalsIgnoreCase(MailStore.INBOX)) {
      return Optional.of(MailStore.INBOX);
    }
    if (all.contains(name)) {
      return Optional.of(name);
    }
    return all.stream().filter(f -> name.equals(store.open(f).dovetailState().get(MigrationState.LEGACY_NAME)))
        .findFirst();
  }

  @Override
  public UserStatus status(String user) {
    if (!storeExists(user)) {
      return new UserStatus(user, false, List.of());
    }
    Map<String, String> unset = unsetFolders(user);
    return StatusReader.read(user, stores.apply(user), hasSkeleton(user) && unset.isEmpty(), unset,
        folder -> running.get(new Key(user, folder)));
  }

  // ---------------------------------------------------------------------------------------------- late mail

  @Override
  public LateMailReport syncLateMail(String user, List<String> folders) throws MigrationUnavailableException {
    checkOpen();
    if (!hasSkeleton(user)) {
      throw new MigrationUnavailableException(user + " has no migrated folders");
    }
    MailStore store = stores.apply(user);
    List<String> problems = new ArrayList<>();
    List<String> targets = new ArrayList<>();
    for (String folder : folders.isEmpty() ? store.listFolders() : named(store, folders, problems)) {
      Optional<FolderState> s = FolderState.of(store.open(folder).dovetailState());
      if (s.isPresent() && s.get() == FolderState.COMPLETE) {
        targets.add(folder);
      } else if (!folders.isEmpty()) {
        problems.add("'" + folder + "' is " + s.map(FolderState::configName).orElse("local")
            + ", not a complete migrated folder");
      }
    }
    return lateMail.check(user, targets, problems);
  }

  @Override
  public void lateMailOnAccess(String user, String folder) {
    try {
      if (closing || !storeExists(user) || !stores.apply(user).exists(folder)
          || !lateMail.takeOnAccess(user, stores.apply(user).open(folder))) {
        return;
      }
      CompletableFuture<LateMailReport> check = new CompletableFuture<>();
      submit(() -> {
        try {
          check.complete(lateMail.check(user, List.of(folder), List.of()));
        } catch (Throwable t) {
          check.completeExceptionally(t);
        }
      }, check);
      check.get(LATE_MAIL_ON_ACCESS_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (StoreException e) {
      if (e.error() != StoreError.UNREADABLE) { // that one refuses the client's command, which logs it
        LOG.warn("{}: {}: late legacy mail not checked on access: {}", user, folder, e.toString());
      }
    } catch (TimeoutException e) {
      LOG.warn("{}: {}: the client did not wait for the check for late legacy mail, which took more than {} s; the"
          + " check carries on, and what it merges reaches the client at its next sync", user, folder,
          LATE_MAIL_ON_ACCESS_WAIT.toSeconds());
    } catch (Exception e) { // the client goes on with what the store has; the check itself may still finish
      Throwable why = e instanceof ExecutionException x && x.getCause() != null ? x.getCause() : e;
      LOG.warn("{}: {}: late legacy mail not checked on access: {}", user, folder, why.toString());
    }
  }

  /** Runs {@code work} as the folder's only run: after a migration running now, and with none starting meanwhile. */
  private <T> T alone(String user, String folder, java.util.function.Supplier<T> work)
      throws MigrationUnavailableException {
    Key key = new Key(user, folder);
    FolderRun mine = new FolderRun(user, folder, FolderRun.Origin.ADMIN);
    for (FolderRun other = running.putIfAbsent(key, mine); other != null; other = running.putIfAbsent(key, mine)) {
      try {
        await(other.result());
      } catch (MigrationUnavailableException | RuntimeException e) {
        // that run's own caller hears of its failure; this one only waited for its end
      }
      checkOpen();
    }
    try {
      return work.get();
    } finally {
      running.remove(key, mine);
      mine.result().complete(nothingToDo(folder));
    }
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
    running.get(new Key(user, folder)).awaitJoiners(n);
  }

  /** Waits until the sweeper has ended {@code n} rounds (tests). */
  void awaitSweeperRounds(int n) throws InterruptedException {
    sweeper.awaitRounds(n);
  }

  /** The sweeper's view of the service. */
  private final class SweeperWork implements Sweeper.Work {
    @Override
    public Sweeper.Round round() {
      List<String> toSweep = new ArrayList<>();
      Set<String> complete = new HashSet<>();
      for (String user : known.all()) {
        try {
          if (hasWork(user)) {
            toSweep.add(user);
          } else {
            complete.add(user);
          }
        } catch (RuntimeException e) {
          LOG.warn("sweeper: {} skipped: {}", user, e.toString());
        }
      }
      return new Sweeper.Round(toSweep, complete);
    }

    private boolean hasWork(String user) {
      if (!hasSkeleton(user)) {
        return true;
      }
      return !unsetFolders(user).isEmpty()
          || !remaining(stores.apply(user), FolderRun.Origin.SWEEPER, new ArrayList<>()).isEmpty();
    }

    @Override
    public boolean sweep(String user, Sweeper gate) {
      UserResult r = migrateRemaining(user, List.of(), FolderRun.Origin.SWEEPER, gate);
      if (r.abortReason().isPresent()) {
        LOG.info("sweeper: {}: not now: {}", user, r.abortReason().get());
      } else if (r.messages() > 0 || !r.incomplete().isEmpty()) {
        LOG.info("sweeper: {}: {} folders, {} messages, {} incomplete", user, r.folders().size(), r.messages(),
            r.incomplete().size());
      }
      return r.complete() && !hasWork(user);
    }

    @Override
    public double rate() {
      return sweeperMeter.perSecond();
    }

    /** Each round ends with the late-mail check of every folder inside the window (issue #8). */
    @Override
    public void afterRound() {
      for (String user : known.all()) {
        try {
          if (closing) {
            return;
          }
          if (hasSkeleton(user)) {
            List<String> due = lateMail.due(stores.apply(user));
            if (!due.isEmpty()) {
              lateMail.check(user, due, List.of());
            }
          }
        } catch (MigrationUnavailableException | RuntimeException e) {
          LOG.debug("sweeper: {}: late mail not checked: {}", user, e.toString());
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------- plumbing

  /** Stops taking work and tells running migrations to stop at their next message (tests call it alone). */
  void beginClose() {
    closing = true;
    sweeper.close();
  }

  /** Stops the sweeper, ends running migrations at their next message, and waits up to closeWait for them. */
  @Override
  public void close() {
    beginClose();
    executor.shutdown();
    try {
      if (!executor.awaitTermination(options.closeWait().toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("migrations still running after {}; not waiting longer", options.closeWait());
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private void checkOpen() throws MigrationUnavailableException {
    if (closing) {
      throw new MigrationUnavailableException("Dovetail is shutting down");
    }
  }

  /**
   * Runs {@code task}, which completes {@code result}; an exception that escapes it completes {@code result} too, so
   * that no caller (migrate --wait) waits for ever (review 12: a damaged state file of another user did).
   */
  private void submit(Runnable task, CompletableFuture<?> result) {
    try {
      executor.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          LOG.warn("a migration task failed: {}", e.toString(), e);
          result.completeExceptionally(e);
          if (e instanceof Error) {
            throw e;
          }
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      result.completeExceptionally(new MigrationUnavailableException("Dovetail is shutting down"));
    }
  }

  private boolean storeExists(String user) {
    return Files.isDirectory(location.rootFor(user));
  }

  private static <T> T await(Future<T> f) throws MigrationUnavailableException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MigrationUnavailableException("interrupted while waiting for the migration");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof MigrationUnavailableException u) {
        throw new MigrationUnavailableException(u.getMessage(), u, u.loginRefused()); // this caller's stack, same text
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }
}
