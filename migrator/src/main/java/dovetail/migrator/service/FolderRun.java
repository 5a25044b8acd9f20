package dovetail.migrator.service;

import dovetail.migrator.copy.FolderResult;
import dovetail.migrator.copy.MigrationListener;
import dovetail.migrator.copy.Progress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One folder's migration in progress, which every caller for that (user, folder) joins: the on-access hook,
 * the sweeper and the admin. Each joiner's listener gets this migration's events from the moment it joined;
 * a listener that throws is dropped, so one broken client cannot stop the others' migration.
 */
final class FolderRun {
  private static final Logger LOG = LoggerFactory.getLogger(FolderRun.class);

  /** Who asked for a migration. */
  enum Origin {
    ON_ACCESS,
    ADMIN,
    SWEEPER
  }

  private final String user;
  private final String folder;
  private final CompletableFuture<FolderResult> result = new CompletableFuture<>();
  private final List<MigrationListener> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean sweeperOnly;
  private volatile boolean sweeperInvolved;
  private volatile Progress last;
  private int joiners;

  FolderRun(String user, String folder, Origin origin) {
    this.user = user;
    this.folder = folder;
    this.sweeperOnly = origin == Origin.SWEEPER;
    this.sweeperInvolved = sweeperOnly;
  }

  String user() {
    return user;
  }

  String folder() {
    return folder;
  }

  CompletableFuture<FolderResult> result() {
    return result;
  }

  /** A caller joins: its listener gets the events from now on. Anyone but the sweeper lifts the sweeper's rate limit. */
  void join(MigrationListener listener, Origin origin) {
    if (origin == Origin.SWEEPER) {
      sweeperInvolved = true;
    } else {
      sweeperOnly = false;
    }
    if (listener != MigrationListener.NONE) {
      listeners.add(listener);
    }
    synchronized (this) {
      joiners++;
      notifyAll();
    }
  }

  /** Waits until {@code n} callers have joined (tests). */
  synchronized void awaitJoiners(int n) throws InterruptedException {
    while (joiners < n) {
      wait();
    }
  }

  void leave(MigrationListener listener) {
    listeners.remove(listener);
  }

  /** Only the sweeper waits for this run: it is bound by {@code sweeper_rate}. */
  boolean sweeperOnly() {
    return sweeperOnly;
  }

  /** The sweeper started or joined it: its messages count toward the sweeper's rate. */
  boolean sweeperInvolved() {
    return sweeperInvolved;
  }

  /** The latest progress, for status; empty before the first message. */
  Optional<Progress> lastProgress() {
    return Optional.ofNullable(last);
  }

  /** What the migration reports, handed on to every joiner. */
  MigrationListener fanOut() {
    return new MigrationListener() {
      @Override
      public void folderStarted(String name, long messages, long bytes) {
        each(l -> l.folderStarted(name, messages, bytes));
      }

      @Override
      public void progress(Progress progress) {
        last = progress;
        each(l -> l.progress(progress));
      }

      @Override
      public void folderFinished(FolderResult r) {
        each(l -> l.folderFinished(r));
      }

      @Override
      public void retrying(String reason, Duration delay, int attempt) {
        each(l -> l.retrying(reason, delay, attempt));
      }
    };
  }

  private void each(java.util.function.Consumer<MigrationListener> call) {
    for (MigrationListener l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        LOG.warn("{}: {}: a listener failed and no longer receives progress: {}", user, folder, e.toString());
        listeners.remove(l);
      }
    }
  }
}
