package dovetail.migrator.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dovetail.conf.Settings;
import dovetail.migrator.copy.LegacyEndpoints;
import dovetail.migrator.source.LegacyImapEndpoint;
import dovetail.migrator.source.LegacyPop3Endpoint;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * How the service logs in to the legacy servers for a user (DESIGN, "Credentials"): the master user
 * ({@code imapc_master_user} with {@code imapc_password}) when configured; otherwise the password the user
 * gave at a Dovetail login, held in this object's memory only (never written, never logged); otherwise
 * {@code imapc_password} as the user's own password, as Dovecot reads it without a master user (a
 * single-user configuration, or the demo). The same choice is made for {@code pop3c_*}.
 *
 * <p>A user's password is held only while it can serve: not at all with a master user (it is never used then);
 * otherwise while the user has a session or a run over the user's folders holds it ({@link #hold}), and for
 * {@link #KEPT_AFTER_SESSIONS} after both ended (a late-mail check may still need it), at most {@link #MAXIMUM_ENDED}
 * users' that long, as Dovecot's auth cache is bounded. While the sweeper still has folders of the user to migrate,
 * that while is up to {@link #KEPT_FOR_SWEEPER} instead, until it has ({@link #userComplete}): a user who logged in
 * once for a minute is otherwise not reached by a busy sweeper before the next login (review 16, F4). A later login
 * replaces the password. One lock keeps the four places consistent; each step is a map operation.
 */
final class LegacyLogins {
  /** How long a password is kept after its user's last session ended (as RecentLogins keeps an accepted login). */
  static final Duration KEPT_AFTER_SESSIONS = Duration.ofMinutes(5);
  static final long MAXIMUM_ENDED = 100_000;
  /** How long at most a password is kept for the sweeper after its user's last session ended. */
  static final Duration KEPT_FOR_SWEEPER = Duration.ofDays(1);

  /** The logins of one user. */
  record Endpoints(LegacyImapEndpoint imap, Optional<LegacyPop3Endpoint> pop3) {}

  /** Keeps a user's password while a run that needs it more than once goes on; closing it twice is harmless. */
  interface Hold extends AutoCloseable {
    @Override
    void close();
  }

  /** A password and when the login that brought it was heard ({@link #now}). */
  private record Kept(String password, long at) {}

  private record Held(Kept kept, int runs) {}

  private final Settings settings;
  /** The passwords of users with a session now: as many as there are logged-in users. */
  private final Map<String, Kept> inSession = new HashMap<>();
  /** The passwords held by runs over users' folders (the sweeper's, an admin's), with how many runs hold each. */
  private final Map<String, Held> inRuns = new HashMap<>();
  /** The passwords of users whose sessions and runs ended a short while ago. */
  private final Cache<String, Kept> ended;
  /** The passwords of users whose sessions and runs ended while the sweeper still had folders of theirs to migrate. */
  private final Cache<String, Kept> forSweeper;
  /** Whether the sweeper still has folders of the user to migrate (the service sets it: its sweeper knows). */
  private Predicate<String> sweeperNeeds = user -> false;
  private final Ticker ticker;

  LegacyLogins(Settings settings) {
    this(settings, Ticker.systemTicker());
  }

  /** @param ticker the time source of {@link #KEPT_AFTER_SESSIONS} */
  LegacyLogins(Settings settings, Ticker ticker) {
    this.settings = settings;
    this.ticker = ticker;
    this.ended = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(KEPT_AFTER_SESSIONS)
        .maximumSize(MAXIMUM_ENDED).build();
    this.forSweeper = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(KEPT_FOR_SWEEPER)
        .maximumSize(MAXIMUM_ENDED).build();
  }

  /** What tells whether the sweeper still needs a user's password once the user's sessions and runs ended. */
  synchronized void keepForSweeper(Predicate<String> needs) {
    sweeperNeeds = needs;
  }

  /** The sweeper has migrated every folder of the user: a password kept for it is kept as after a session only. */
  synchronized void userComplete(String user) {
    Kept kept = forSweeper.getIfPresent(user);
    if (kept != null) {
      forSweeper.invalidate(user);
      ended.put(user, kept);
    }
  }

  /** A login of the user brought this password: held while the user has a session ({@link #sessionsEnded}). */
  synchronized void remember(String user, String password) {
    if (password == null || password.isEmpty() || settings.imapc().hasMasterUser()) {
      return;
    }
    Kept kept = new Kept(password, now());
    inSession.put(user, kept);
    inRuns.computeIfPresent(user, (u, h) -> new Held(kept, h.runs()));
    ended.invalidate(user);
    forSweeper.invalidate(user);
  }

  /** The time of this object's clock, for {@link #refused}. */
  long now() {
    return ticker.read();
  }

  /**
   * The legacy server refused the user's password in a run that started at {@code runStart} ({@link #now}): what was
   * kept for later runs is dropped, since each round would try it again for up to a day, from Dovetail's one address
   * (review 17: an account lockout, or a ban that stops every user's migration), unless a login brought it after the
   * run started (review 18: that one was not refused). A session's own, and a run's, stay until they end.
   */
  synchronized void refused(String user, long runStart) {
    for (Cache<String, Kept> kept : List.of(forSweeper, ended)) {
      Kept k = kept.getIfPresent(user);
      if (k != null && k.at() - runStart <= 0) {
        kept.invalidate(user);
      }
    }
  }

  /** The user's last session ended: the password is kept a short while more (or while runs hold it). */
  synchronized void sessionsEnded(String user) {
    Kept kept = inSession.remove(user);
    if (kept != null && !inRuns.containsKey(user)) {
      keepAfterUse(user, kept);
    }
  }

  private void keepAfterUse(String user, Kept kept) {
    (sweeperNeeds.test(user) ? forSweeper : ended).put(user, kept);
  }

  /** Holds the user's password, if one is held now, until the hold is closed. */
  synchronized Hold hold(String user) {
    Kept kept = kept(user);
    if (kept == null) {
      return () -> { };
    }
    inRuns.merge(user, new Held(kept, 1), (a, b) -> new Held(a.kept(), a.runs() + 1));
    AtomicBoolean closed = new AtomicBoolean();
    return () -> {
      if (closed.compareAndSet(false, true)) {
        release(user);
      }
    };
  }

  private synchronized void release(String user) {
    Held h = inRuns.get(user);
    if (h.runs() > 1) {
      inRuns.put(user, new Held(h.kept(), h.runs() - 1));
      return;
    }
    inRuns.remove(user);
    if (!inSession.containsKey(user)) {
      keepAfterUse(user, h.kept());
    }
  }

  /** Whether a password of the user is in memory (tests). */
  synchronized boolean holdsPassword(String user) {
    return kept(user) != null;
  }

  private synchronized Optional<String> password(String user) {
    return Optional.ofNullable(kept(user)).map(Kept::password);
  }

  private synchronized Kept kept(String user) {
    Kept current = inSession.get(user);
    Held run = inRuns.get(user);
    if (current == null && run != null) {
      current = run.kept();
    }
    if (current == null) {
      current = ended.getIfPresent(user);
    }
    return current != null ? current : forSweeper.getIfPresent(user);
  }

  /** @throws MigrationUnavailableException when there are no credentials for this user, or no legacy server */
  Endpoints forUser(String user) throws MigrationUnavailableException {
    Optional<String> own = password(user);
    boolean master = settings.imapc().hasMasterUser();
    if (!master && own.isEmpty() && settings.imapc().password().filter(p -> !p.isEmpty()).isEmpty()) {
      throw new MigrationUnavailableException("no credentials for the legacy server for " + user
          + ": configure imapc_master_user and imapc_password, or the user must log in to Dovetail first");
    }
    try {
      return new Endpoints(LegacyEndpoints.imap(settings, user, own), LegacyEndpoints.pop3(settings, user, own));
    } catch (IllegalArgumentException e) {
      throw new MigrationUnavailableException("the legacy server cannot be used: " + e.getMessage(), e);
    }
  }
}
