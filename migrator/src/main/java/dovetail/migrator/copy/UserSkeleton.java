package dovetail.migrator.copy;

import dovetail.migrator.copy.MigrationState.FolderState;
import dovetail.migrator.source.FolderNameMapper;
import dovetail.migrator.source.FolderSnapshot;
import dovetail.migrator.source.LegacyException;
import dovetail.migrator.source.LegacyFolder;
import dovetail.migrator.source.LegacyImapSession;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MailboxStatus;
import dovetail.store.StoreError;
import dovetail.store.StoreException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user's folders, created locally from one LIST and one LSUB of the legacy server (DESIGN, "Skeleton
 * first"): every selectable legacy folder becomes a local folder with the legacy UIDVALIDITY, NEXTUID 1
 * and state {@code pending}; subscriptions are copied. Folders of other users' and shared namespaces are not listed
 * (see {@link LegacyImapSession#listFolders}). Names are translated by {@link FolderNameMapper}
 * (imapc_list_prefix, separator, modified UTF-7).
 *
 * <p>Idempotent: folders that already have a migration state are left alone (the store is their master
 * from then on); those set up under other rules than today's are named in the result's notices. {@link #build} sets
 * up every listed folder without a local twin; the running server's {@link #refresh} only those it has not seen
 * before (see there). Subscriptions are copied when a folder is set
 * up, and LSUB-only names (subscribed but not listed) on the user's first skeleton only, so a later unsubscribe
 * by the user is never undone.
 *
 * <p>{@code \Noselect} folders are not created: Maildir++ has no such thing, and Dovecot lists a missing
 * parent of an existing folder as {@code \Noselect} by itself.
 *
 * <p>Crash safety: a folder gets its state only after it exists with the right UIDVALIDITY and its
 * subscription. A kill in between leaves a folder without state, which the next run adopts: it is empty
 * (nothing is copied before the state exists), so it can be recreated with the legacy UIDVALIDITY.
 */
public final class UserSkeleton {
  private static final Logger LOG = LoggerFactory.getLogger(UserSkeleton.class);

  private final MailStore store;
  private final FolderNameMapper mapper;
  private final Clock clock;

  public UserSkeleton(MailStore store, FolderNameMapper mapper, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.mapper = Objects.requireNonNull(mapper, "mapper");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Every listed folder without a local twin (the offline backup), except one that an earlier skeleton listed and the
   * user deleted here since (no local folder with a migration state: a DELETE, or a RENAME, through serve), unless
   * {@code asked} names it: a backup beside serve brought such a folder back with its mail (review 21). A store without
   * a record of what was listed (a first backup, or one made by an older build) gets every folder. The record of what
   * was listed is written, as {@link #refresh} writes it: a later refresh or late-mail check then tells a folder made
   * on the legacy server since from one the user deleted here (review 21: with no record, both looked new).
   *
   * @param asked legacy or local names to set up even if deleted here (the operator named them)
   * @throws LegacyException when LIST or LSUB fails, or an EXAMINE for a reason other than a missing or refused
   *     folder (INBOX refused is thrown too: the local INBOX exists and would be served as empty)
   * @throws StoreException when the store cannot be written
   */
  public SkeletonResult build(LegacyImapSession session, Set<String> asked) {
    Map<String, String> before = store.open(MailStore.INBOX).dovetailState();
    Predicate<String> notSeen = notSeenBefore(before);
    boolean recorded = SkeletonState.seen(before).isPresent();
    Set<String> unsetBefore = new HashSet<>();
    SkeletonState.unset(before).keySet().forEach(n -> unsetBefore.add(LegacyFolder.key(n)));
    List<String> deletedHere = new ArrayList<>();
    Map<String, Map<String, String>> states = migratedStates();
    Map<String, String> claimed = recorded ? localNamesByLegacyName(states) : Map.of();
    BiPredicate<String, String> wanted = (legacy, local) -> {
      if (!recorded || notSeen.test(legacy) || unsetBefore.contains(LegacyFolder.key(legacy)) || asked.contains(legacy)
          || asked.contains(local) || MailStore.INBOX.equals(local) || stateOrUnreadable(local)) {
        return true;
      }
      // Seen before, and no folder here under that name: renamed here (a local folder still names it), or deleted.
      if (!claimed.containsKey(LegacyFolder.key(legacy)) && !deletedHere.contains(local)) {
        deletedHere.add(local);
      }
      return false;
    };
    List<LegacyFolder> listed = session.listFolders();
    warnOfKeptNames(listed, claimed);
    SkeletonResult built = build(session, listed, wanted, legacy -> {});
    SkeletonResult result = new SkeletonResult(built.folders(), built.created(), built.problems(), built.unset(),
        deletedHere, SkeletonNotices.of(states, session));
    record(listed, result);
    return result;
  }

  /** The record of a build or refresh: when, every selectable folder listed, and those left unset. */
  private void record(List<LegacyFolder> listed, SkeletonResult result) {
    List<String> seenNow = new ArrayList<>(List.of(MailStore.INBOX)); // listed or not (RFC 3501 5.1); never empty
    for (LegacyFolder folder : listed) {
      if (folder.selectable() && mapper.toLocal(folder).isPresent()) {
        seenNow.add(folder.legacyName());
      }
    }
    store.open(MailStore.INBOX).updateDovetailState(
        s -> SkeletonState.withRefresh(s, clock.instant(), seenNow, result.unset()));
  }

  /**
   * The running server's skeleton, kept in {@link SkeletonState}. The first one builds it whole. Later ones set up
   * only the legacy folders that are new (not {@link SkeletonState#SEEN_PREFIX seen} before), that an earlier one
   * left unset, or that {@code asked} names (by legacy or local name: the operator's explicit request); a folder seen
   * before that has no local twin was deleted or renamed by the user and stays so. A skeleton built before the seen
   * record existed gets it now and nothing new is set up: which of its folders the user deleted is not known.
   *
   * <p>Crash safety: each folder set up here is recorded as seen (and no longer unset) right after its own state is
   * written, and the whole record is replaced in one write at the end. A kill before a folder's record leaves it new
   * (or unset) with its local twin in place, which the next refresh adopts; a kill between folders loses none. Only
   * a first build records nothing on the way: nothing is served before it ends, and a killed one is rebuilt whole.
   *
   * @throws LegacyException as {@link #build(LegacyImapSession)}
   */
  public SkeletonResult refresh(LegacyImapSession session, Set<String> asked) {
    Mailbox inbox = store.open(MailStore.INBOX);
    Map<String, String> before = inbox.dovetailState();
    boolean built = SkeletonState.built(before);
    Set<String> unset = new HashSet<>();
    SkeletonState.unset(before).keySet().forEach(n -> unset.add(LegacyFolder.key(n)));
    Predicate<String> notSeen = notSeenBefore(before);
    BiPredicate<String, String> wanted = !built ? (legacy, local) -> true
        : (legacy, local) -> unset.contains(LegacyFolder.key(legacy)) || asked.contains(legacy) || asked.contains(local)
            || notSeen.test(legacy);
    Consumer<String> record = !built ? legacy -> {}
        : legacy -> inbox.updateDovetailState(s -> SkeletonState.withSetUp(s, legacy));
    List<LegacyFolder> listed = session.listFolders();
    Map<String, Map<String, String>> states = migratedStates();
    if (built) {
      warnOfKeptNames(listed, localNamesByLegacyName(states));
    }
    SkeletonResult result = build(session, listed, wanted, record).withNotices(SkeletonNotices.of(states, session));
    record(listed, result);
    return result;
  }

  /**
   * The migration state of every local folder set up from a legacy folder (it names one), read once per build or
   * refresh for what looks at folders set up earlier (kept names, notices); unreadable ones are left out.
   */
  private Map<String, Map<String, String>> migratedStates() {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (String local : store.listFolders()) {
      Map<String, String> state = store.openIfReadable(local, why -> { }).map(Mailbox::dovetailState).orElse(Map.of());
      if (FolderState.of(state).isPresent() && state.get(MigrationState.LEGACY_NAME) != null) {
        out.put(local, state);
      }
    }
    return out;
  }

  /** The local folders of {@code states}, by the (key of the) legacy name they were set up from. */
  private static Map<String, String> localNamesByLegacyName(Map<String, Map<String, String>> states) {
    Map<String, String> out = new HashMap<>();
    states.forEach((local, state) -> out.putIfAbsent(LegacyFolder.key(state.get(MigrationState.LEGACY_NAME)), local));
    return out;
  }

  /**
   * Folders set up under another local name than the current settings give their legacy name keep it (their clients
   * know it): said once per build, since it looks like a setting that did nothing (walk-through 17, F2: an
   * imapc_list_prefix set or removed after users were set up). A folder a client renamed here is told apart: its
   * local name is not what any prefix would give.
   */
  private void warnOfKeptNames(List<LegacyFolder> listed, Map<String, String> claimed) {
    List<String> kept = new ArrayList<>();
    for (LegacyFolder folder : listed) {
      String now = mapper.toLocal(folder).orElse(null);
      String was = claimed.get(LegacyFolder.key(folder.legacyName()));
      if (now != null && was != null && !now.equals(was) && (was.endsWith("/" + now) || now.endsWith("/" + was))) {
        kept.add("'" + was + "' (now it would be '" + now + "')");
      }
    }
    if (!kept.isEmpty()) {
      LOG.warn("{} folder(s) keep the local names they were set up under, which imapc_list_prefix no longer gives:"
          + " {}{}. Users set up from now on get the new names; to rename an existing user's folders, rename them"
          + " through IMAP (clients follow a rename)", kept.size(),
          String.join(", ", kept.subList(0, Math.min(5, kept.size()))), kept.size() > 5 ? ", ..." : "");
    }
  }

  /**
   * The listed legacy folders that appeared since the skeleton was last refreshed, by local name: those a {@link
   * #refresh} would set up as new (selectable, not seen before, no local twin with a migration state); none for a store
   * without a record of what was listed (one an older backup made). Reads only: the
   * late-mail check asks it of every LIST, and a refresh follows only when it names one.
   */
  public List<String> newSince(List<LegacyFolder> listed) {
    Map<String, String> inbox = store.open(MailStore.INBOX).dovetailState();
    // Without a record (a store an older backup made) a folder the user deleted here would look new too (review 21).
    Predicate<String> isNew = notSeenBefore(inbox);
    List<String> out = new ArrayList<>();
    for (LegacyFolder folder : listed) {
      Optional<String> local = mapper.toLocal(folder);
      if (folder.selectable() && local.isPresent() && isNew.test(folder.legacyName()) && !hasState(local.get())
          && !out.contains(local.get())) {
        out.add(local.get());
      }
    }
    return out;
  }

  /** Legacy names the seen record does not hold; none without a record (a skeleton from before it: see refresh). */
  private static Predicate<String> notSeenBefore(Map<String, String> inbox) {
    Optional<Set<String>> seen = SkeletonState.seen(inbox);
    return legacy -> seen.map(s -> !s.contains(LegacyFolder.key(legacy))).orElse(false);
  }

  /**
   * Sets up the listed folders that {@code wanted} names (legacy name, local name) and that have no local twin; the
   * others are left as they are, set up or not.
   *
   * @param setUp told the legacy name of each folder this run set up, once its state is written
   */
  private SkeletonResult build(LegacyImapSession session, List<LegacyFolder> listed, BiPredicate<String, String> wanted,
      Consumer<String> setUp) {
    boolean firstSkeleton = FolderState.of(store.open(MailStore.INBOX).dovetailState()).isEmpty();
    Map<String, LegacyFolder> byLocal = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    Map<String, String> unset = new LinkedHashMap<>();
    List<LegacyFolder> subscriptionOnly = new ArrayList<>();
    for (LegacyFolder folder : listed) {
      String local = mapper.toLocal(folder).orElse(null);
      if (local == null || !wanted.test(folder.legacyName(), local)) {
        continue; // the prefix itself, outside imapc_list_prefix, or not asked for
      }
      if (!folder.selectable()) {
        if (folder.subscribed()) {
          subscriptionOnly.add(folder);
        } else {
          LOG.debug("legacy folder '{}' is {}: not created", folder.legacyName(), folder.attributes());
        }
        continue;
      }
      LegacyFolder earlier = byLocal.putIfAbsent(local, folder);
      if (earlier != null) {
        String problem = "legacy folders '" + earlier.legacyName() + "' and '" + folder.legacyName()
            + "' both map to local '" + local + "'; only the first is migrated";
        problems.add(problem);
        unset.put(folder.legacyName(), problem);
      }
    }
    if (!byLocal.containsKey(MailStore.INBOX) && wanted.test(MailStore.INBOX, MailStore.INBOX)) {
      // RFC 3501 5.1: INBOX always exists, even if a server leaves it out of LIST.
      byLocal.put(MailStore.INBOX, new LegacyFolder(MailStore.INBOX, LegacyFolder.NO_SEPARATOR, java.util.Set.of(), false));
    }

    if (firstSkeleton) {
      // Before INBOX gets its state: that state is what tells later runs that this was done.
      for (LegacyFolder f : subscriptionOnly) {
        String local = mapper.toLocal(f).orElseThrow();
        try {
          store.setSubscribed(local, true);
        } catch (StoreException e) {
          problems.add("subscription to legacy '" + f.legacyName() + "' not copied: " + e.getMessage());
        }
      }
    }

    Map<String, String> folders = new LinkedHashMap<>();
    List<String> created = new ArrayList<>();
    List<String> order = new ArrayList<>(byLocal.keySet());
    if (order.remove(MailStore.INBOX)) {
      order.add(0, MailStore.INBOX);
    }
    for (String local : order) {
      LegacyFolder folder = byLocal.get(local);
      String problem;
      try {
        problem = twinProblem(local, folder);
        if (problem == null && !hasState(local)) {
          problem = setUp(session, local, folder);
          if (problem == null) {
            created.add(local);
            setUp.accept(folder.legacyName());
          }
        }
      } catch (StoreException e) {
        if (e.error() == StoreError.UNREADABLE) {
          // Its state cannot be known: unset, and so named by status, rather than every folder of the user stopped.
          problem = "legacy folder '" + folder.legacyName() + "' is not set up: local " + e.getMessage();
        } else if (e.error() == StoreError.INVALID_NAME) {
          // No rerun changes a name: say what does (walk-through 15, F5: the advice was only "run backup again").
          problem = "legacy folder '" + folder.legacyName() + "' cannot be stored as '" + local + "': "
              + e.getMessage() + "; to migrate it, rename it on the legacy server, then run the migration again";
        } else {
          throw e;
        }
      }
      if (problem == null) {
        folders.put(local, folder.legacyName());
      } else {
        problems.add(problem);
        unset.put(folder.legacyName(), problem);
      }
    }
    return new SkeletonResult(folders, created, problems, unset);
  }

  /** A local folder of that name migrated from another legacy folder (the user renamed it there): in the way. */
  private String twinProblem(String local, LegacyFolder folder) {
    if (!store.exists(local)) {
      return null;
    }
    Map<String, String> state = store.open(local).dovetailState();
    String from = state.get(MigrationState.LEGACY_NAME);
    if (FolderState.of(state).isEmpty() || from == null
        || LegacyFolder.key(from).equals(LegacyFolder.key(folder.legacyName()))) {
      return null;
    }
    return "local folder '" + local + "' is in the way of legacy '" + folder.legacyName() + "': it was migrated from"
        + " legacy '" + from + "'. Not touched: rename it to migrate '" + folder.legacyName() + "'";
  }

  /** Whether the local folder has a migration state, or one that cannot be read (set up below as a problem line). */
  private boolean stateOrUnreadable(String local) {
    try {
      return hasState(local);
    } catch (StoreException e) {
      return true;
    }
  }

  private boolean hasState(String local) {
    return store.exists(local) && FolderState.of(store.open(local).dovetailState()).isPresent();
  }

  /** Creates (or adopts) one folder in state pending; returns a problem line instead when it cannot. */
  private String setUp(LegacyImapSession session, String local, LegacyFolder folder) {
    FolderSnapshot snapshot;
    try {
      // STATUS (UIDVALIDITY) would be cheaper; the source offers EXAMINE, which also reads it.
      snapshot = session.examine(folder.legacyName());
    } catch (LegacyException e) {
      if (e.kind() == LegacyException.Kind.FOLDER_NOT_FOUND) {
        return "legacy folder '" + folder.legacyName() + "' is listed but cannot be opened: " + e.getMessage();
      }
      if (e.kind() == LegacyException.Kind.FOLDER_REFUSED && !MailStore.INBOX.equals(local)) {
        // Left out until the next build: it does not exist here meanwhile, which hides nothing and invents nothing.
        return "legacy folder '" + folder.legacyName() + "' cannot be opened now: " + e.getMessage();
      }
      if (e.kind() == LegacyException.Kind.FOLDER_REFUSED) {
        // The local INBOX always exists: without its legacy state it would be served, and delivered to, as empty.
        throw new LegacyException(LegacyException.Kind.UNAVAILABLE, e.getMessage(), e);
      }
      throw e;
    }
    long uidValidity = snapshot.uidValidity();
    Mailbox mailbox = null;
    if (!store.exists(local)) {
      try {
        mailbox = store.create(local, uidValidity, 1);
      } catch (StoreException e) {
        if (e.error() != StoreError.ALREADY_EXISTS) {
          throw e;
        }
        // Made meanwhile by another process setting up the same user (two backups at once): looked at as any other.
      }
    }
    if (mailbox == null) {
      mailbox = store.open(local);
      MailboxStatus status = mailbox.status();
      if (status.uidValidity() != uidValidity) {
        if (status.messages() > 0) {
          return "local folder '" + local + "' exists with " + status.messages() + " messages under UIDVALIDITY "
              + status.uidValidity() + " but no migration state; the legacy UIDVALIDITY is " + uidValidity
              + ". Not touched: move it away to migrate '" + folder.legacyName() + "'";
        }
        if (!MailStore.INBOX.equals(local)) {
          store.delete(local); // empty, never migrated: recreated below with the legacy UIDVALIDITY
        }
        mailbox = store.create(local, uidValidity, 1);
      } else if (status.messages() > 0) {
        LOG.warn("local folder '{}' has {} messages under the legacy UIDVALIDITY {} but no migration state; "
            + "adopting them as already copied", local, status.messages(), uidValidity);
      }
    }
    if (folder.subscribed()) {
      store.setSubscribed(local, true);
    }
    Map<String, String> updates = new HashMap<>();
    updates.put(MigrationState.STATE, FolderState.PENDING.configName());
    updates.put(MigrationState.LEGACY_NAME, folder.legacyName());
    updates.put(MigrationState.LEGACY_SEPARATOR,
        folder.separator() == LegacyFolder.NO_SEPARATOR ? "" : String.valueOf(folder.separator()));
    updates.put(MigrationState.LEGACY_UIDVALIDITY, Long.toString(uidValidity));
    updates.put(MigrationState.SETUP_UIDNEXT, Long.toString(snapshot.uidNext()));
    updates.put(MigrationState.LEGACY_SPECIAL_USE, folder.specialUse().orElse(null));
    updates.put(MigrationState.UPDATED, clock.instant().toString());
    mailbox.updateDovetailState(s -> MigrationState.merge(s, updates));
    LOG.debug("folder '{}' set up from legacy '{}' (UIDVALIDITY {})", local, folder.legacyName(), uidValidity);
    return null;
  }
}
