package dovetail.proxy.admin;

import dovetail.migrator.copy.FolderResult;
import dovetail.migrator.copy.SkeletonResult;
import dovetail.migrator.copy.UserResult;
import dovetail.migrator.service.FolderStatus;
import dovetail.migrator.service.Migrations;
import dovetail.migrator.service.SweeperControl;
import dovetail.migrator.service.SweeperStatus;
import dovetail.migrator.service.UserStatus;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A test double of our own {@link Migrations} for the admin protocol: fixed statuses, and a scripted migration
 * whose statuses advance one step per {@link #status} call and which ends after the last step, so a
 * {@code migrate --wait} sees every step whatever the timing. The lead's end-to-end test uses the real service.
 */
final class FixedMigrations implements Migrations {
  final Map<String, UserStatus> users = new LinkedHashMap<>();
  final Deque<UserStatus> steps = new ArrayDeque<>();
  final List<String> migrateCalls = new ArrayList<>();
  /** How the scripted migration ends. */
  Supplier<CompletableFuture<UserResult>> outcome =
      () -> CompletableFuture.completedFuture(result("alice", complete("INBOX", 3, 300)));
  /** Every status fails, and the list of users too. */
  RuntimeException statusFails;
  /** A status that fails for one user only. */
  final Map<String, RuntimeException> statusFailsFor = new LinkedHashMap<>();
  final Sweeper sweeper = new Sweeper();
  private CompletableFuture<UserResult> running;

  @Override
  public synchronized CompletableFuture<UserResult> migrateUser(String user, List<String> folders) {
    migrateCalls.add(user + " " + folders);
    running = new CompletableFuture<>();
    if (steps.isEmpty()) {
      finish();
    }
    return running;
  }

  @Override
  public synchronized UserStatus status(String user) {
    if (statusFails != null) {
      throw statusFails;
    }
    if (statusFailsFor.containsKey(user)) {
      throw statusFailsFor.get(user);
    }
    if (running != null && !steps.isEmpty()) {
      UserStatus step = steps.poll();
      users.put(user, step);
      if (steps.isEmpty()) {
        finish();
      }
      return step;
    }
    return users.getOrDefault(user, new UserStatus(user, false, List.of()));
  }

  private void finish() {
    CompletableFuture<UserResult> run = running;
    outcome.get().whenComplete((r, e) -> {
      if (e != null) {
        run.completeExceptionally(e instanceof java.util.concurrent.CompletionException ? e.getCause() : e);
      } else {
        run.complete(r);
      }
    });
  }

  @Override
  public synchronized List<String> knownUsers() {
    if (statusFails != null) {
      throw statusFails;
    }
    return List.copyOf(users.keySet());
  }

  @Override
  public SweeperControl sweeper() {
    return sweeper;
  }

  @Override
  public boolean hasSkeleton(String user) {
    throw new UnsupportedOperationException("not used by the admin endpoint");
  }

  @Override
  public void ensureSkeleton(String user) {
    throw new UnsupportedOperationException("not used by the admin endpoint");
  }

  @Override
  public Access access(String user, String folder) {
    throw new UnsupportedOperationException("not used by the admin endpoint");
  }

  @Override
  public FolderResult ensureFolder(String user, String folder, dovetail.migrator.copy.MigrationListener listener) {
    throw new UnsupportedOperationException("not used by the admin endpoint");
  }

  @Override
  public Optional<FolderResult> ensureFolderWithin(String user, String folder,
      dovetail.migrator.copy.MigrationListener listener, java.time.Duration maxWait) {
    throw new UnsupportedOperationException("not used by the admin endpoint");
  }

  @Override
  public void loggedIn(String user, Optional<String> password) {
    throw new UnsupportedOperationException("not used by the admin endpoint");
  }

  @Override
  public void loggedOut(String user) {
    throw new UnsupportedOperationException("not used by the admin endpoint");
  }

  static FolderStatus folder(String name, String state, long done, long total, long bytesDone, long bytesTotal,
      Optional<String> error, double rate, long eta) {
    return new FolderStatus(name, state, done, total, bytesDone, bytesTotal, 0, error, rate, eta);
  }

  /** alice: one folder of each kind; bob: never logged in, no skeleton yet. */
  static FixedMigrations aliceAndBob() {
    FixedMigrations m = new FixedMigrations();
    m.users.put("alice", new UserStatus("alice", true, List.of(
        folder("INBOX", "complete", 1200, 1200, 12_300_000, 12_300_000, Optional.empty(), 0, -1),
        folder("Archive/2019", "migrating", 4100, 12000, 41_000_000, 120_000_000, Optional.empty(), 100, 79),
        folder("Trash", "failed", 10, 50, 100_000, 500_000, Optional.of("legacy UIDVALIDITY changed"), 0, -1),
        folder("Drafts", "pending", 0, -1, 0, -1, Optional.empty(), 0, -1))));
    m.users.put("bob", new UserStatus("bob", false, List.of()));
    return m;
  }

  static FolderResult complete(String folder, long messages, long bytes) {
    return new FolderResult(folder, FolderResult.Outcome.COMPLETE, messages, bytes, List.of(), "");
  }

  static UserResult result(String user, FolderResult... folders) {
    long messages = 0;
    long bytes = 0;
    for (FolderResult f : folders) {
      messages += f.messages();
      bytes += f.bytes();
    }
    return new UserResult(user, new SkeletonResult(Map.of(), List.of(), List.of(), Map.of()), List.of(folders), List.of(),
        Optional.empty(), messages, bytes, Duration.ofSeconds(42));
  }

  static final class Sweeper implements SweeperControl {
    volatile boolean paused;
    /** Users the last round left incomplete, and the seconds until the next one (-1: not between rounds). */
    volatile List<String> waiting = List.of();
    volatile long nextRoundSeconds = -1;

    @Override
    public void pause() {
      paused = true;
    }

    @Override
    public void resume() {
      paused = false;
    }

    @Override
    public SweeperStatus status() {
      // Paused: alice's folder in flight finished, and her sweep waits for a resume.
      return new SweeperStatus(true, paused, paused ? List.of() : List.of("alice"), paused ? List.of("alice") : List.of(),
          List.of("bob", "carol"), waiting, nextRoundSeconds, 7, paused ? 0 : 42.0);
    }
  }
}
