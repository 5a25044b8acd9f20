package dovetail.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.StoreError;
import dovetail.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stale-lock rules of Dovecot's file-dotlock.c, as applied to locks we find. */
class DotlockTest {
  @TempDir Path dir;

  private Path lock() {
    return dir.resolve("dovecot-uidlist.lock");
  }

  @Test
  void theLockHoldsPidAndHostAndIsRemovedOnRelease() throws IOException {
    try (Dotlock held = Dotlock.acquire(lock(), dir.resolve("dovecot-uidlist"), Duration.ofSeconds(120), Duration.ofSeconds(1))) {
      assertEquals(ProcessHandle.current().pid() + ":" + HostName.get(), Files.readString(lock()));
    }
    assertFalse(Files.exists(lock()));
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count(), "no temporary file is left behind");
    }
  }

  @Test
  void aLockOfADeadProcessOnThisHostIsTakenAtOnce() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    Files.writeString(lock(), p.pid() + ":" + HostName.get());
    assertNotNull(Dotlock.tryAcquire(lock(), null, Duration.ofSeconds(120)));
  }

  @Test
  void aFreshLockOfALiveProcessIsRespectedUntilTheTimeout() throws IOException {
    Files.writeString(lock(), "1:" + HostName.get()); // pid 1 is alive
    assertNull(Dotlock.tryAcquire(lock(), null, Duration.ofSeconds(120)));
    Files.writeString(lock(), "4242:another-host");
    StoreException e = assertThrows(StoreException.class,
        () -> Dotlock.acquire(lock(), null, Duration.ofSeconds(120), Duration.ofMillis(300)));
    assertEquals(StoreError.LOCK_TIMEOUT, e.error());
    assertTrue(e.getMessage().contains("4242:another-host"), e.getMessage());
  }

  /**
   * Two writers judge one dead holder's lock stale; the first overrides it and takes the lock. The second's override
   * must not remove that fresh lock, or both would write at once.
   */
  @Test
  void anOverrideRemovesOnlyTheLockItJudgedStaleNotOneTakenMeanwhile() throws Exception {
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    Files.writeString(lock(), dead.pid() + ":" + HostName.get());
    Dotlock.Seen judgedStale = Dotlock.staleLock(lock(), null, Duration.ofSeconds(120));
    assertNotNull(judgedStale);
    try (Dotlock first = Dotlock.tryAcquire(lock(), null, Duration.ofSeconds(120))) {
      assertNotNull(first);
      Dotlock.Seen taken = Dotlock.Seen.read(lock());
      Dotlock.overrideIfUnchanged(lock(), judgedStale);
      assertEquals(taken, Dotlock.Seen.read(lock()), "the lock taken meanwhile is still there, the same file");
    }
    assertFalse(Files.exists(lock()), "its holder released it");
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count(), "no file set aside is left behind");
    }
  }

  /** file-dotlock.c: "process exists, don't override", however long ago the lock or its file changed. */
  @Test
  void aLockOfALiveProcessOnThisHostIsNeverTakenAsStale() throws IOException {
    Process holder = new ProcessBuilder("sleep", "60").start();
    try {
      Path guarded = dir.resolve("dovecot-uidlist");
      Files.writeString(guarded, "x");
      Files.writeString(lock(), holder.pid() + ":" + HostName.get());
      FileTime beyondStale = FileTime.fromMillis(System.currentTimeMillis() - 121_000);
      Files.setLastModifiedTime(lock(), beyondStale);
      Files.setLastModifiedTime(guarded, beyondStale);
      assertNull(Dotlock.tryAcquire(lock(), guarded, Duration.ofSeconds(120)));
      StoreException e = assertThrows(StoreException.class,
          () -> Dotlock.acquire(lock(), guarded, Duration.ofSeconds(120), Duration.ofMillis(300)));
      assertEquals(StoreError.LOCK_TIMEOUT, e.error());
      assertEquals(holder.pid() + ":" + HostName.get(), Files.readString(lock()));
    } finally {
      holder.destroyForcibly();
    }
  }

  @Test
  void aLockThatNeitherItNorItsFileChangedForTheStaleTimeIsTaken() throws IOException {
    Path guarded = dir.resolve("dovecot-uidlist");
    Files.writeString(guarded, "x");
    Files.writeString(lock(), "4242:another-host");
    FileTime old = FileTime.fromMillis(System.currentTimeMillis() - 200_000);
    Files.setLastModifiedTime(lock(), old);
    assertNull(Dotlock.tryAcquire(lock(), guarded, Duration.ofSeconds(120)), "the guarded file changed recently");
    Files.setLastModifiedTime(guarded, old);
    assertNotNull(Dotlock.tryAcquire(lock(), guarded, Duration.ofSeconds(120)));
  }
}
