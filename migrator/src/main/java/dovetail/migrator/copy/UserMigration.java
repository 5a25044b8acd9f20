package dovetail.migrator.copy;

import dovetail.migrator.copy.FolderResult.Outcome;
import dovetail.migrator.copy.MigrationState.FolderState;
import dovetail.migrator.source.FolderNameMapper;
import dovetail.migrator.source.LegacyException;
import dovetail.migrator.source.LegacyImapSession;
import dovetail.migrator.source.LegacyImapSource;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One user's migration: the skeleton, then every folder (or the named ones) through one legacy session,
 * the way {@code doveadm backup -R -u USER imapc:} does it. A session that fails (UNAVAILABLE, THROTTLED)
 * is replaced after a backoff; failures count only while nothing is copied in between (see
 * {@link RetryPolicy}). Folders already complete are not read from the legacy server again.
 *
 * <p>With {@link MigrationOptions#parallelFolders()} above 1, that many folders are copied at once, each
 * over its own session (all of them behind the per-host connection cap); the skeleton always runs first,
 * alone. Listener calls are serialized.
 *
 * <p>One run at a time per instance. Two processes migrating one folder at once do not corrupt it (the
 * store's explicit UIDs refuse the second copy of a UID), but one of them fails.
 */
public final class UserMigration {
  private static final Logger LOG = LoggerFactory.getLogger(UserMigration.class);
  /** How an abort reason starts when the legacy server answered the login with NO. */
  public static final String LOGIN_REFUSED = "the legacy server refused the login: ";

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
   *     always built whole, but for the folders the user deleted here since an earlier skeleton (see {@link
   *     UserSkeleton#build}); these are set up again when named here.
   */
  public UserResult run(String user, List<String> onlyFolders, MigrationListener listener) {
    return new Run(user, listener).execute(onlyFolders, true, true);
  }

  /**
   * The running server's skeleton only ({@link UserSkeleton#refresh}), with the same session retries as
   * {@link #run}.
   *
   * @param asked legacy or local names to set up even if seen before (an operator's explicit request)
   */
  public UserResult refreshSkeleton(String user, Set<String> asked, MigrationListener listener) {
    Run run = new Run(user, listener);
    run.refreshAsked = Set.copyOf(asked);
    return run.execute(List.of(), true, false);
  }

  /**
   * Migrates the named local folders of a user whose skeleton exists, without LIST and LSUB: the running
   * server migrates one folder at a time, and a skeleton per folder would cost two round trips each. Every
   * folder must have a migration state. The result's skeleton is null.
   */
  public UserResult runFolders(String user, List<String> localFolders, MigrationListener listener) {
    return new Run(user, listener).execute(localFolders, false, true);
  }

  /** One run: the skeleton, then the folders, handed out to one or more workers. */
  private final class Run {
    private final String user;
    private final RunProgress progress;
    private final AtomicReference<String> abort = new AtomicReference<>();
    /** The legacy server's refusal of the login, when that is the abort. */
    private volatile LegacyException loginRefusal;

    /** Null: the skeleton is built whole; else it is refreshed, with these names asked for. */
    private Set<String> refreshAsked;
    /** The folders the run was asked for (none: all): a built skeleton sets them up even if deleted here. */
    private List<String> onlyFolders = List.of();

    Run(String user, MigrationListener listener) {
      this.user = user;
      this.progress = new RunProgress(listener, clock);
    }

    UserResult execute(List<String> onlyFolders, boolean withSkeleton, boolean withFolders) {
      this.onlyFolders = List.copyOf(onlyFolders);
      List<String> problems = new ArrayList<>();
      SkeletonResult skeleton = null;
      List<FolderResult> results = new ArrayList<>();
      Worker first = new Worker();
      try {
        List<String> targets = List.copyOf(onlyFolders);
        if (withSkeleton) {
          skeleton = first.skeleton();
          problems.addAll(skeleton.problems());
          targets = withFolders ? targets(skeleton, onlyFolders, problems) : List.of();
          progress.folderCount(targets.size());
          progress.skeletonReady(skeleton, targets.size());
        } else {
          progress.folderCount(targets.size());
        }
        results = migrateAll(targets, first);
      } catch (Abort a) {
        stop(a);
      } catch (StoreException e) {
        abort.compareAndSet(null, "store: " + e.getMessage());
      } finally {
        first.closeSession();
      }
      return new UserResult(user, skeleton, results, problems, Optional.ofNullable(abort.get()), progress.runMessages(),
          progress.runBytes(), progress.elapsed(), Optional.ofNullable(loginRefusal));
    }

    /** The run stops for {@code a}'s reason, unless it stopped for another one already. */
    private void stop(Abort a) {
      if (abort.compareAndSet(null, a.getMessage())) {
        loginRefusal = a.loginRefusal;
      }
    }

    /**
     * Hands the folders out in order to {@code parallelFolders} workers, each with its own session (the first
     * one keeps the skeleton's). Results come back in the order of {@code targets}.
     */
    private List<FolderResult> migrateAll(List<String> targets, Worker first) {
      FolderResult[] results = new FolderResult[targets.size()];
      AtomicInteger next = new AtomicInteger();
      int workers = Math.max(1, Math.min(options.parallelFolders(), targets.size()));
      List<Thread> threads = new ArrayList<>();
      List<Throwable> crashes = java.util.Collections.synchronizedList(new ArrayList<>());
      for (int w = 1; w < workers; w++) {
        Thread t = new Thread(() -> {
          Worker worker = new Worker();
          try {
            worker.drain(targets, next, results);
          } catch (RuntimeException | Error e) {
            // An Error too (OutOfMemoryError): else the thread dies alone, its folder has no result, and the
            // run fails later on that gap instead of on the cause.
            crashes.add(e);
            abort.compareAndSet(null, "internal error: " + e);
          } finally {
            worker.closeSession();
          }
        }, "migrate-" + user + "-" + w);
        t.start();
        threads.add(t);
      }
      try {
        first.drain(targets, next, results);
      } finally {
        for (Thread t : threads) {
          joinUninterruptibly(t);
        }
      }
      if (!crashes.isEmpty()) {
        Throwable crash = crashes.get(0);
        if (crash instanceof Error e) {
          throw e;
        }
        throw (RuntimeException) crash;
      }
      return java.util.Arrays.asList(results);
    }

    /** One legacy session and its failure count; takes folders until none are left. */
    private final class Worker {
      private LegacyImapSession session;
      private int failures;
      private long lastProgressMark = -1;
      /** 1 + messages of every folder this worker finished: with the current folder's count, the progress mark. */
      private long finished;
      private RunProgress.Folder current;

      SkeletonResult skeleton() {
        UserSkeleton builder = new UserSkeleton(store, new FolderNameMapper(options.listPrefix()), clock);
        while (true) {
          try {
            return refreshAsked == null ? builder.build(session(), Set.copyOf(onlyFolders))
                : builder.refresh(session(), refreshAsked);
          } catch (LegacyException e) {
            closeSession();
            backOff(e);
          }
        }
      }

      void drain(List<String> targets, AtomicInteger next, FolderResult[] results) {
        int i;
        while ((i = next.getAndIncrement()) < targets.size()) {
          String folder = targets.get(i);
          String stop = abort.get();
          if (stop != null) {
            results[i] = FolderResult.notAttempted(folder, stop);
            continue;
          }
          RunProgress.Folder counters = progress.enterFolder(folder);
          current = counters;
          FolderResult r;
          try {
            r = migrate(folder, counters);
          } catch (Abort a) {
            stop(a);
            r = new FolderResult(folder, counters.messages() > 0 ? Outcome.PARTIAL : Outcome.NOT_ATTEMPTED,
                counters.messages(), counters.bytes(), List.of(), a.getMessage());
          } catch (StoreException e) {
            r = new FolderResult(folder, Outcome.PARTIAL, counters.messages(), counters.bytes(), List.of(),
                "store: " + e.getMessage());
          }
          finished += 1 + counters.messages();
          current = null;
          results[i] = r;
          progress.folderFinished(r);
        }
      }

      private FolderResult migrate(String folder, RunProgress.Folder counters) {
        if (FolderState.of(store.open(folder).dovetailState()).orElse(null) == FolderState.COMPLETE) {
          return new FolderResult(folder, Outcome.COMPLETE, 0, 0, List.of(), "");
        }
        FolderMigration migration = new FolderMigration(store.open(folder), options, counters, clock);
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

      /** Waits before the next attempt, or gives up the run. Failures count while nothing was copied between them. */
      private void backOff(LegacyException e) {
        if (!RetryPolicy.retryable(e)) {
          throw new Abort(describe(e), e.kind() == LegacyException.Kind.AUTH_FAILED ? e : null);
        }
        if (abort.get() != null) {
          throw new Abort(abort.get());
        }
        long mark = finished + (current == null ? 0 : current.messages());
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
        progress.retrying(e.getMessage(), delay, failures);
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

      void closeSession() {
        if (session != null) {
          try {
            session.close();
          } finally {
            session = null;
          }
        }
      }
    }
  }

  private static void joinUninterruptibly(Thread t) {
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** The folders to run: those asked for (by local or legacy name), else every folder with a migration state. */
  private List<String> targets(SkeletonResult skeleton, List<String> onlyFolders, List<String> problems) {
    Set<String> withState = new LinkedHashSet<>(skeleton.folders().keySet());
    for (String local : store.listFolders()) {
      if (withState.contains(local)) {
        continue;
      }
      Optional<Mailbox> box = store.openIfReadable(local, why -> {
        if (problems.stream().noneMatch(p -> p.contains(why))) { // the skeleton may have said so
          problems.add(why); // the others are migrated all the same
        }
      });
      if (box.isPresent() && FolderState.of(box.get().dovetailState()).isPresent()) {
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
      case AUTH_FAILED -> LOGIN_REFUSED + e.getMessage();
      case TLS_FAILED -> "TLS to the legacy server failed: " + e.getMessage();
      case STOPPING -> e.getMessage();
      default -> "legacy server: " + e.getMessage();
    };
  }

  /** Ends the run early; the message says why. */
  private static final class Abort extends RuntimeException {
    /** The legacy server's refusal of the login, when that is why; else null. */
    final transient LegacyException loginRefusal;

    Abort(String reason) {
      this(reason, null);
    }

    Abort(String reason, LegacyException loginRefusal) {
      super(reason, null, false, false);
      this.loginRefusal = loginRefusal;
    }
  }
}
