package dovetail.migrator.service;

import dovetail.conf.Settings;
import dovetail.migrator.copy.ConnectionLimiter;
import dovetail.migrator.copy.LateMailMerge;
import dovetail.migrator.copy.LateMailState;
import dovetail.migrator.copy.LegacyEndpoints;
import dovetail.migrator.copy.MigrationState;
import dovetail.migrator.copy.MigrationState.FolderState;
import dovetail.migrator.copy.Pop3UidlAssignment;
import dovetail.migrator.copy.Pop3Uidls;
import dovetail.migrator.copy.UserSkeleton;
import dovetail.migrator.source.FolderNameMapper;
import dovetail.migrator.source.LegacyException;
import dovetail.migrator.source.LegacyImapSession;
import dovetail.migrator.source.LegacyImapSource;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.StoreException;
import dovetail.store.UidlFormat;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cut-over window (issue #8): which complete folders are still checked for late legacy mail, and the checks
 * themselves, one legacy session per user, opened only when some folder needs it. A folder is checked while
 * {@code legacy_sync_window} has not passed since its migration completed; after that no connection is made for
 * it (the admin's {@code sync} may still ask explicitly). Each check runs as the folder's one run, through the
 * service's per-folder map, so it never overlaps a migration of the same folder. A check of a whole user may also list
 * the legacy folders on that session, to find those created since the skeleton ({@link UserSkeleton#newSince}).
 */
final class LateMailSync {
  private static final Logger LOG = LoggerFactory.getLogger(LateMailSync.class);

  /** One WARN a minute per cause: an outage fails every user's check the same way. */
  private final FoldedWarnings folded = new FoldedWarnings(Duration.ofMinutes(1), System::nanoTime);

  /** Runs work as the folder's only run (the service's per-folder map). */
  interface FolderLock {
    <T> T alone(String user, String folder, Supplier<T> work) throws MigrationUnavailableException;
  }

  private record Key(String user, String folder) {}

  private final Settings settings;
  private final Function<String, MailStore> stores;
  private final LegacyLogins logins;
  private final ConnectionLimiter limiter;
  private final Clock clock;
  private final FolderLock lock;
  private final Duration onAccessEvery;
  private final Map<Key, Instant> lastOnAccess = new ConcurrentHashMap<>();
  private final UidlFormat uidlFormat;
  private final FolderListeners legacyModSeqRose;
  private final FolderNameMapper mapper;

  LateMailSync(Settings settings, Function<String, MailStore> stores, LegacyLogins logins, ConnectionLimiter limiter,
      Clock clock, FolderLock lock, Duration onAccessEvery, FolderListeners legacyModSeqRose) {
    this.settings = settings;
    this.stores = stores;
    this.logins = logins;
    this.limiter = limiter;
    this.clock = clock;
    this.lock = lock;
    this.onAccessEvery = onAccessEvery;
    this.uidlFormat = UidlFormat.parse(settings.pop3UidlFormat());
    this.legacyModSeqRose = legacyModSeqRose;
    this.mapper = new FolderNameMapper(settings.imapc().listPrefix());
  }

  Duration window() {
    return settings.migration().syncWindow();
  }

  /** The folders of a user that automatic checks look at now: complete, and inside the window. */
  List<String> due(MailStore store) {
    List<String> out = new ArrayList<>();
    if (window().isZero() || window().isNegative()) {
      return out;
    }
    for (String folder : store.listFolders()) {
      Optional<Mailbox> box = readable(store, folder);
      if (box.isPresent() && inWindow(box.get())) {
        out.add(folder);
      }
    }
    return out;
  }

  /**
   * The folder opened; empty, with a WARN line, for one the server may not read: the user's other folders are still
   * checked (walk-through 11, W5: one such folder stopped the check of every folder after it).
   */
  private static Optional<Mailbox> readable(MailStore store, String folder) {
    return store.openIfReadable(folder, why -> LOG.warn("late mail of {} not checked: {}", folder, why));
  }

  /**
   * Whether an on-access check of the folder is due: inside the window, and not checked on access in the last
   * {@code onAccessEvery}. Marks the check as taken.
   */
  boolean takeOnAccess(String user, Mailbox box) {
    if (window().isZero() || !inWindow(box)) {
      return false;
    }
    Instant now = clock.instant();
    Key key = new Key(user, box.name());
    Instant[] taken = {null};
    lastOnAccess.compute(key, (k, last) -> {
      if (last == null || !now.isBefore(last.plus(onAccessEvery))) {
        taken[0] = now;
        return now;
      }
      return last;
    });
    return taken[0] != null;
  }

  /**
   * Checks the given local folders (all must exist), over one legacy session opened on the first need.
   *
   * @param listLegacy also LIST the user's legacy folders on that session, and report those that appeared since the
   *     skeleton ({@link LateMailReport#newOnLegacy}): a device or a sieve {@code fileinto :create} still acting on
   *     the legacy server makes them after the user is complete (walk-through 17, F7)
   * @param waitNotices hears, at once, of each folder whose check waits for another process holding it
   * @throws MigrationUnavailableException when there are no credentials for the user
   */
  LateMailReport check(String user, List<String> folders, List<String> asked, boolean listLegacy,
      Consumer<String> waitNotices) throws MigrationUnavailableException {
    long started = logins.now(); // a refusal drops only what was kept before this check began
    List<String> problems = new ArrayList<>(asked);
    MailStore store = stores.apply(user);
    List<LateMailMerge.Result> results = new ArrayList<>();
    if (folders.isEmpty()) {
      return new LateMailReport(user, results, problems, Optional.empty());
    }
    LegacyLogins.Endpoints login = logins.forUser(user);
    Pop3Uidls pop3 = login.pop3().<Pop3Uidls>map(p -> new Pop3UidlAssignment(p, settings.pop3Migration(), user))
        .orElse(Pop3Uidls.NONE);
    LegacyImapSource source = limiter.limit(
        LegacyImapSource.create(login.imap(), LegacyEndpoints.fetchLimits(settings)), login.imap().host());
    LegacyImapSession session = null;
    String at = null; // the folder being checked, for the log
    try {
      for (String folder : folders) {
        at = folder;
        Optional<Mailbox> readable = readable(store, folder);
        if (readable.isEmpty()) {
          problems.add("'" + folder + "' cannot be read");
          continue;
        }
        Mailbox box = readable.get();
        if (session == null) {
          session = source.open(user);
        }
        LegacyImapSession s = session;
        String modSeqBefore = box.dovetailState().get(MigrationState.LEGACY_HIGHESTMODSEQ);
        LateMailMerge.Result r = lock.alone(user, box.name(),
            () -> new LateMailMerge(box, pop3, uidlFormat, clock).run(s, waitNotices));
        if (!Objects.equals(modSeqBefore, box.dovetailState().get(MigrationState.LEGACY_HIGHESTMODSEQ))) {
          legacyModSeqRose.fire(user, box.name());
        }
        if (r.merged() > 0 || !r.problem().isEmpty()) {
          LOG.info("{}: {}: {} late legacy messages merged, {} local renumbered{}", user, box.name(), r.merged(),
              r.renumbered(), r.problem().isEmpty() ? "" : "; " + r.problem());
        }
        results.add(r);
      }
      List<String> newOnLegacy = List.of();
      if (listLegacy) {
        at = null;
        if (session == null) {
          session = source.open(user);
        }
        newOnLegacy = new UserSkeleton(store, mapper, clock).newSince(session.listFolders());
        if (!newOnLegacy.isEmpty()) {
          LOG.info("{}: new on the legacy server since the skeleton: {}", user, newOnLegacy);
        }
      }
      return new LateMailReport(user, results, problems, Optional.empty(), newOnLegacy, List.of());
    } catch (LegacyException | StoreException e) {
      if (e instanceof LegacyException legacy && legacy.kind() == LegacyException.Kind.AUTH_FAILED) {
        logins.refused(user, started);
      }
      boolean stopping = e instanceof LegacyException l && l.kind() == LegacyException.Kind.STOPPING;
      if (stopping || Thread.currentThread().isInterrupted()) { // the server stops: the legacy server is fine
        LOG.info("{}: late mail check stopped: {}", user, e.getMessage());
      } else {
        String where = at == null ? ""
            : " ('" + at + "'" + (folders.size() > 1 ? " of " + folders.size() + " folders" : "") + ")";
        Optional<String> line = folded.admit(e.getMessage());
        if (line.isPresent()) {
          LOG.warn("{}: late mail not checked{}: {}{}", user, where, e.getMessage(), line.get());
        } else {
          LOG.debug("{}: late mail not checked{}: {}", user, where, e.getMessage());
        }
      }
      return new LateMailReport(user, results, problems, Optional.of(e.getMessage()));
    } catch (IllegalStateException e) { // interrupted while waiting for a connection
      return new LateMailReport(user, results, problems, Optional.of(e.getMessage()));
    } finally {
      if (session != null) {
        session.close();
      }
    }
  }

  /**
   * Complete, migrated, and inside the window counted from its completion. The completion time is recorded
   * when missing (taken from the migration's last state change, which completion was).
   */
  private boolean inWindow(Mailbox box) {
    Map<String, String> state = box.dovetailState();
    if (FolderState.of(state).orElse(null) != FolderState.COMPLETE || state.get(MigrationState.LEGACY_UIDNEXT) == null) {
      return false;
    }
    Instant completed = instant(state.get(LateMailState.COMPLETED));
    if (completed == null) {
      completed = Optional.ofNullable(instant(state.get(MigrationState.UPDATED))).orElseGet(clock::instant);
      Map<String, String> updates = new HashMap<>();
      updates.put(LateMailState.COMPLETED, completed.toString());
      box.updateDovetailState(s -> ServiceState.merged(s, updates));
    }
    return clock.instant().isBefore(completed.plus(window()));
  }

  private static Instant instant(String s) {
    try {
      return s == null ? null : Instant.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
