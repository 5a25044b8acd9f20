package dovetail.migrator.copy;

import dovetail.migrator.source.LegacyException;
import dovetail.migrator.source.LegacyImapSession;
import dovetail.migrator.source.LegacyImapSource;
import dovetail.migrator.source.LegacyFolder;
import dovetail.migrator.source.FolderSnapshot;
import dovetail.migrator.source.LegacyMessageInfo;
import dovetail.migrator.source.BodyConsumer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The per-legacy-host connection cap ({@code legacy_max_connections}), shared by everything that talks to
 * legacy servers in one process: backup, on-access migration, the sweeper and admin work. Build one in the
 * wiring and hand it to every {@link #limit limited source}.
 */
public final class ConnectionLimiter {
  private final int perHost;
  private final Map<String, Semaphore> hosts = new ConcurrentHashMap<>();
  private volatile boolean stopped;

  /** @param perHost connections allowed at once to one host ({@code legacy_max_connections}) */
  public ConnectionLimiter(int perHost) {
    if (perHost < 1) {
      throw new IllegalArgumentException("legacy_max_connections must be at least 1, was " + perHost);
    }
    this.perHost = perHost;
  }

  public int perHost() {
    return perHost;
  }

  /** Connections to {@code host} that are open right now. */
  public int inUse(String host) {
    Semaphore s = hosts.get(key(host));
    return s == null ? 0 : perHost - s.availablePermits();
  }

  /**
   * No connection is opened any more: the process stops. A migration waiting for a permit then hears so at once and
   * ends, instead of starting after the stop began (walk-through 18, F3: queued INBOX migrations opened sessions
   * for 23 s after SIGTERM, and the stop ran into its cap, interrupting writes).
   */
  public void stopOpening() {
    stopped = true;
    // One more permit per host wakes the first waiter, which finds the stop and passes it on: all of them, in order.
    hosts.values().forEach(Semaphore::release);
  }

  /**
   * A source whose sessions each hold one of {@code host}'s permits from open to close; {@code open}
   * waits while the host is at its cap.
   *
   * @throws LegacyException STOPPING once {@link #stopOpening} was called
   */
  public LegacyImapSource limit(LegacyImapSource source, String host) {
    Semaphore permits = hosts.computeIfAbsent(key(host), h -> new Semaphore(perHost, true));
    return user -> {
      checkOpening(host);
      try {
        permits.acquire(); // fair: first come, first served
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a connection to " + host, e);
      }
      try {
        checkOpening(host);
      } catch (LegacyException e) {
        permits.release();
        throw e;
      }
      try {
        return new Limited(source.open(user), permits);
      } catch (RuntimeException e) {
        permits.release();
        throw e;
      }
    };
  }

  private void checkOpening(String host) {
    if (stopped) {
      throw new LegacyException(LegacyException.Kind.STOPPING, "Dovetail is shutting down: no new connection to "
          + host);
    }
  }

  private static String key(String host) {
    return host.toLowerCase(java.util.Locale.ROOT);
  }

  /** A session that gives its permit back when closed (once). */
  private static final class Limited implements LegacyImapSession {
    private final LegacyImapSession session;
    private final Semaphore permits;
    private final AtomicBoolean closed = new AtomicBoolean();

    Limited(LegacyImapSession session, Semaphore permits) {
      this.session = session;
      this.permits = permits;
    }

    @Override
    public List<LegacyFolder> listFolders() {
      return session.listFolders();
    }

    @Override
    public FolderSnapshot examine(String legacyName) {
      return session.examine(legacyName);
    }

    @Override
    public dovetail.migrator.source.LegacyFolderStatus status(String legacyName) {
      return session.status(legacyName);
    }

    @Override
    public List<LegacyMessageInfo> fetchMetadata(String legacyName, long fromUid) {
      return session.fetchMetadata(legacyName, fromUid);
    }

    @Override
    public void fetchBodies(String legacyName, List<Long> uids, BodyConsumer consumer) {
      session.fetchBodies(legacyName, uids, consumer);
    }

    @Override
    public java.util.Optional<String> otherUsersOrSharedNamespace(String legacyName) {
      return session.otherUsersOrSharedNamespace(legacyName);
    }

    @Override
    public Map<Long, byte[]> fetchHeaders(String legacyName, List<Long> uids) {
      return session.fetchHeaders(legacyName, uids);
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        try {
          session.close();
        } finally {
          permits.release();
        }
      }
    }
  }
}
