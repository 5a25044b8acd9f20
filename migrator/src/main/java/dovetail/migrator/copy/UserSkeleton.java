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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user's folders, created locally from one LIST and one LSUB of the legacy server (DESIGN, "Skeleton
 * first"): every selectable legacy folder becomes a local folder with the legacy UIDVALIDITY, NEXTUID 1
 * and state {@code pending}; subscriptions are copied. Names are translated by {@link FolderNameMapper}
 * (imapc_list_prefix, separator, modified UTF-7).
 *
 * <p>Idempotent: folders that already have a migration state are left alone (the store is their master
 * from then on), so a rerun only adds folders that are new on the legacy server. Subscriptions are copied
 * when a folder is set up, and LSUB-only names (subscribed but not listed) on the user's first skeleton
 * only, so a later unsubscribe by the user is never undone.
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
   * @throws LegacyException when LIST or LSUB fails, or an EXAMINE for a reason other than a missing or refused
   *     folder (INBOX refused is thrown too: the local INBOX exists and would be served as empty)
   * @throws StoreException when the store cannot be written
   */
  public SkeletonResult build(LegacyImapSession session) {
    return build(session, legacyName -> true);
  }

  /**
   * Only the legacy folders that {@code wanted} names: a retry of those an earlier build could not set up. The
   * others are left as they are, set up or not (the user may have renamed or deleted them since).
   */
  public SkeletonResult build(LegacyImapSession session, Predicate<String> wanted) {
    List<LegacyFolder> listed = session.listFolders();
    boolean firstSkeleton = FolderState.of(store.open(MailStore.INBOX).dovetailState()).isEmpty();
    Map<String, LegacyFolder> byLocal = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    List<String> unset = new ArrayList<>();
    List<LegacyFolder> subscriptionOnly = new ArrayList<>();
    Map<String, String> localOf = new HashMap<>();
    for (LegacyFolder folder : listed) {
      String local = mapper.toLocal(folder).orElse(null);
      if (local == null || !wanted.test(folder.legacyName())) {
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
        problems.add("legacy folders '" + earlier.legacyName() + "' and '" + folder.legacyName()
            + "' both map to local '" + local + "'; only the first is migrated");
        unset.add(folder.legacyName());
        continue;
      }
      localOf.put(folder.legacyName(), local);
    }
    if (!byLocal.containsKey(MailStore.INBOX)) {
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
    order.remove(MailStore.INBOX);
    order.add(0, MailStore.INBOX);
    for (String local : order) {
      LegacyFolder folder = byLocal.get(local);
      try {
        if (hasState(local)) {
          folders.put(local, folder.legacyName());
          continue;
        }
        String problem = setUp(session, local, folder);
        if (problem == null) {
          folders.put(local, folder.legacyName());
          created.add(local);
        } else {
          problems.add(problem);
          unset.add(folder.legacyName());
        }
      } catch (StoreException e) {
        if (e.error() != StoreError.INVALID_NAME) {
          throw e;
        }
        problems.add("legacy folder '" + folder.legacyName() + "' cannot be stored as '" + local + "': "
            + e.getMessage());
        unset.add(folder.legacyName());
      }
    }
    return new SkeletonResult(folders, created, problems, unset);
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
    Mailbox mailbox;
    if (!store.exists(local)) {
      mailbox = store.create(local, uidValidity, 1);
    } else {
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
    updates.put(MigrationState.LEGACY_SPECIAL_USE, folder.specialUse().orElse(null));
    updates.put(MigrationState.UPDATED, clock.instant().toString());
    mailbox.updateDovetailState(s -> MigrationState.merge(s, updates));
    LOG.debug("folder '{}' set up from legacy '{}' (UIDVALIDITY {})", local, folder.legacyName(), uidValidity);
    return null;
  }
}
