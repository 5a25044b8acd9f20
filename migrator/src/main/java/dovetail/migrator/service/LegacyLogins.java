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

  private record Held(String password, int runs) {}

  private final Settings settings;
  /** The passwords of users with a session now: as many as there are logged-in users. */
  private final Map<String, String> inSession = new HashMap<>();
  /** The passwords held by runs over users' folders (the sweeper's, an admin's), with how many runs hold each. */
  private final Map<String, Held> inRuns = new HashMap<>();
  /** The passwords of users whose sessions and runs ended a short while ago. */
  private final Cache<String, String> ended;
  /** The passwords of users whose sessions and runs ended while the sweeper still had folders of theirs to migrate. */
  private final Cache<String, String> forSweeper;
  /** Whether the sweeper still has folders of the user to migrate (the service sets it: its sweeper knows). */
  private Predicate<String> sweeperNeeds = user -> false;

  LegacyLogins(Settings settings) {
    this(settings, Ticker.systemTicker());
  }

  /** @param ticker the time source of {@link #KEPT_AFTER_SESSIONS} */
  LegacyLogins(Settings settings, Ticker ticker) {
    this.settings = settings;
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
    String password = forSweeper.getIfPresent(user);
    if (password != null) {
      forSweeper.invalidate(user);
      ended.put(user, password);
    }
  }

  /** A login of the user brought this password: held while the user has a session ({@link #sessionsEnded}). */
  synchronized void remember(String user, String password) {
    if (password == null || password.isEmpty() || settings.imapc().hasMasterUser()) {
      return;
    }
    inSession.put(user, password);
    inRuns.computeIfPresent(user, (u, h) -> new Held(password, h.runs()));
    ended.invalidate(user);
    forSweeper.invalidate(user);
  }

  /**
   * The legacy server refused the user's password in a run: what was kept for later runs is dropped, since each round
   * would try it again for up to a day, from Dovetail's one address (review 17: an account lockout, or a ban that stops
   * every user's migration). A session's own, and a run's, stay until they end; a later login brings a new one.
   */
  synchronized void refused(String user) {
    forSweeper.invalidate(user);
    ended.invalidate(user);
  }

  /** The user's last session ended: the password is kept a short while more (or while runs hold it). */
  synchronized void sessionsEnded(String user) {
    String password = inSession.remove(user);
    if (password != null && !inRuns.containsKey(user)) {
      keepAfterUse(user, password);
    }
  }

  private void keepAfterUse(String user, String password) {
    (sweeperNeeds.test(user) ? forSweeper : ended).put(user, password);
  }

  /** Holds the user's password, if one is held now, until the hold is closed. */
  synchronized Hold hold(String user) {
    Optional<String> password = password(user);
    if (password.isEmpty()) {
      return () -> { };
    }
    inRuns.merge(user, new Held(password.get(), 1), (a, b) -> new Held(a.password(), a.runs() + 1));
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
      inRuns.put(user, new Held(h.password(), h.runs() - 1));
      return;
    }
    inRuns.remove(user);
    if (!inSession.containsKey(user)) {
      keepAfterUse(user, h.password());
    }
  }

  /** Whether a password of the user is in memory (tests). */
  synchronized boolean holdsPassword(String user) {
    return password(user).isPresent();
  }

  private synchronized Optional<String> password(String user) {
    String current = inSession.get(user);
    Held run = inRuns.get(user);
    if (current == null && run != null) {
      current = run.password();
    }
    if (current == null) {
      current = ended.getIfPresent(user);
    }
    return Optional.ofNullable(current != null ? current : forSweeper.getIfPresent(user));
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
