package dovetail.migrator.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.conf.FsyncMode;
import dovetail.migrator.copy.FolderResult.Outcome;
import dovetail.migrator.source.LegacyException.Kind;
import dovetail.migrator.source.LegacyImapSource;
import dovetail.store.MailStore;
import dovetail.store.StoreOptions;
import dovetail.store.maildir.MaildirStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's run: skeleton plus folders over one session, reconnects with backoff, folder selection. */
class UserMigrationTest {
  @TempDir Path tmp;
  private MailStore store;
  private FakeLegacy legacy;
  private final List<Duration> sleeps = new ArrayList<>();
  private final RetryPolicy retry = new RetryPolicy(2, Duration.ofMillis(100), 3, Duration.ofMillis(50),
      Duration.ofSeconds(1), Duration.ofSeconds(1));

  @BeforeEach
  void setUp() {
    store = MaildirStore.open(tmp.resolve("Maildir"), StoreOptions.DEFAULT.withFsync(FsyncMode.NEVER));
    legacy = new FakeLegacy('/');
    FakeLegacy.Folder inbox = legacy.folder("INBOX", 100);
    FakeLegacy.Folder sent = legacy.folder("Sent", 200);
    legacy.folder("Empty", 300);
    for (int i = 1; i <= 20; i++) {
      inbox.add(i, FakeLegacy.message("Subject: in " + i + "\r\n\r\nx\r\n"));
      sent.add(i * 2, FakeLegacy.message("Subject: sent " + i + "\r\n\r\ny\r\n"));
    }
  }

  private UserResult run(List<String> folders) {
    MigrationOptions options = MigrationOptions.defaults().withCommitInterval(4).withRetry(retry);
    return new UserMigration(legacy, store, options, Clock.systemUTC(), sleeps::add).run("alice", folders,
        MigrationListener.NONE);
  }

  @Test
  void migratesEveryFolderThroughOneSession() {
    UserResult r = run(List.of());
    assertTrue(r.complete(), r.toString());
    assertEquals(List.of("INBOX", "Sent", "Empty"), r.folders().stream().map(FolderResult::folder).toList());
    assertEquals(40, r.messages());
    assertEquals(1, legacy.sessionsOpened.get());
    assertEquals(0, legacy.sessionsOpen.get(), "the session is closed");
    assertEquals(41, store.open("Sent").status().nextUid());
  }

  @Test
  void aLegacyFolderTheSkeletonCannotSetUpLeavesTheRunIncomplete() {
    legacy.folder("Notes v1.2", 500); // '.' cannot be part of a Maildir++ name
    UserResult r = run(List.of());
    assertFalse(r.complete(), "backup exits 2 on an incomplete result: " + r);
    assertEquals(1, r.problems().size(), r.problems().toString());
    assertTrue(r.problems().get(0).contains("Notes v1.2"), r.problems().toString());
    assertTrue(r.folders().stream().allMatch(FolderResult::complete), "the other folders are migrated");
  }

  @Test
  void parallelFoldersUseOneSessionEachAndReportInFolderOrder() {
    for (int f = 0; f < 6; f++) {
      FakeLegacy.Folder extra = legacy.folder("Extra" + f, 400 + f);
      for (int i = 1; i <= 30; i++) {
        extra.add(i, FakeLegacy.message("Subject: extra " + i + "\r\n\r\nz\r\n"));
      }
    }
    List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    MigrationListener listener = new MigrationListener() {
      private int inside; // listener calls are serialized: never two at once

      @Override
      public void progress(Progress p) {
        inside++;
        if (inside != 1) {
          throw new AssertionError("concurrent listener calls");
        }
        seen.add(p.folder());
        inside--;
      }
    };
    MigrationOptions options = MigrationOptions.defaults().withCommitInterval(7).withRetry(retry).withParallelFolders(3);
    UserResult r = new UserMigration(legacy, store, options, Clock.systemUTC(), sleeps::add).run("alice", List.of(), listener);
    assertTrue(r.complete(), r.toString());
    assertEquals(List.of("INBOX", "Sent", "Empty", "Extra0", "Extra1", "Extra2", "Extra3", "Extra4", "Extra5"),
        r.folders().stream().map(FolderResult::folder).toList());
    assertEquals(220, r.messages());
    assertEquals(220, seen.size());
    // One session per worker at most; a worker that finds every folder taken opens none (fast folders).
    assertTrue(legacy.sessionsOpened.get() >= 1 && legacy.sessionsOpened.get() <= 3,
        "sessions opened: " + legacy.sessionsOpened.get());
    assertEquals(0, legacy.sessionsOpen.get());
    for (int f = 0; f < 6; f++) {
      assertEquals(30, store.open("Extra" + f).status().messages());
      assertEquals(31, store.open("Extra" + f).status().nextUid());
    }
  }

  @Test
  void aDroppedConnectionIsReplacedAndTheRunCompletes() {
    legacy.dieAfterBodies = 7;
    UserResult r = run(List.of());
    assertTrue(r.complete(), r.toString());
    assertEquals(2, legacy.sessionsOpened.get());
    assertEquals(List.of(Duration.ofMillis(100)), sleeps);
    assertEquals(20, store.open("INBOX").status().messages());
  }

  @Test
  void aServerThatStaysDownEndsTheRunWithAReasonAndTheRestNotAttempted() {
    legacy.dieOn.put(5L, 1); // INBOX dies once at UID 5, then the server is gone
    UserMigration migration = new UserMigration(new FakeDownAfterFirst(legacy), store,
        MigrationOptions.defaults().withRetry(retry), Clock.systemUTC(), sleeps::add);
    UserResult r = migration.run("alice", List.of(), MigrationListener.NONE);
    assertFalse(r.complete());
    assertTrue(r.abortReason().orElseThrow().contains("unavailable"), r.toString());
    assertEquals(Outcome.PARTIAL, r.folders().get(0).outcome());
    assertEquals(Outcome.NOT_ATTEMPTED, r.folders().get(1).outcome());
    assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200)), sleeps, "exponential backoff, bounded");
    assertEquals(4, store.open("INBOX").status().messages());
  }

  @Test
  void throttlingWaitsAndRetries() {
    legacy.openFailures = 2;
    legacy.openFailureKind = Kind.THROTTLED;
    UserResult r = run(List.of());
    assertTrue(r.complete(), r.toString());
    assertEquals(List.of(Duration.ofMillis(50), Duration.ofMillis(100)), sleeps);
  }

  @Test
  void aRefusedLoginEndsTheRunAtOnce() {
    legacy.openFailures = 1;
    legacy.openFailureKind = Kind.AUTH_FAILED;
    UserResult r = run(List.of());
    assertFalse(r.complete());
    assertTrue(r.abortReason().orElseThrow().contains("refused the login"), r.toString());
    assertEquals(List.of(), sleeps);
  }

  @Test
  void namedFoldersOnlyAndUnknownNamesAreProblems() {
    UserResult r = run(List.of("Sent", "Nope"));
    assertFalse(r.complete());
    assertEquals(List.of("Sent"), r.folders().stream().map(FolderResult::folder).toList());
    assertEquals(List.of("no folder 'Nope' on the legacy server"), r.problems());
    assertEquals("pending", store.open("INBOX").dovetailState().get(MigrationState.STATE), "skeleton only");
    assertEquals(20, store.open("Sent").status().messages());
  }

  @Test
  void aSecondRunOfACompleteUserReadsOnlyTheFolderList() {
    assertTrue(run(List.of()).complete());
    legacy.log.clear();
    UserResult r = run(List.of());
    assertTrue(r.complete());
    assertEquals(0, r.messages());
    assertEquals(List.of("LIST"), legacy.log);
  }

  /** An Error in a second worker (an OutOfMemoryError, say) is what the run throws, not a gap in the results. */
  @Test
  void anErrorInAParallelWorkerIsTheRunsFailure() {
    AtomicInteger opens = new AtomicInteger();
    CountDownLatch secondWorkerFailed = new CountDownLatch(1);
    // The first worker waits in its first folder, so that the second surely takes a folder and logs in.
    legacy.beforeMetadata = () -> {
      try {
        secondWorkerFailed.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    LegacyImapSource secondOpenFails = user -> {
      if (opens.incrementAndGet() == 2) {
        secondWorkerFailed.countDown();
        throw new WorkerError();
      }
      return legacy.open(user);
    };
    MigrationOptions options = MigrationOptions.defaults().withRetry(retry).withParallelFolders(2);
    UserMigration migration = new UserMigration(secondOpenFails, store, options, Clock.systemUTC(), sleeps::add);
    assertThrows(WorkerError.class, () -> migration.run("alice", List.of(), MigrationListener.NONE));
  }

  private static final class WorkerError extends Error {
    WorkerError() {
      super("test: a worker thread fails with an Error");
    }
  }

  /** The first session works until it dies; every later login finds the server down. */
  private static final class FakeDownAfterFirst implements dovetail.migrator.source.LegacyImapSource {
    private final FakeLegacy legacy;
    private boolean used;

    FakeDownAfterFirst(FakeLegacy legacy) {
      this.legacy = legacy;
    }

    @Override
    public dovetail.migrator.source.LegacyImapSession open(String user) {
      if (used) {
        throw new dovetail.migrator.source.LegacyException(Kind.UNAVAILABLE, "fake: connection refused");
      }
      used = true;
      return legacy.open(user);
    }
  }
}
