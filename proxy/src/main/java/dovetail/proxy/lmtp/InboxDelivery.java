package dovetail.proxy.lmtp;

import dovetail.migrator.copy.MigrationState.FolderState;
import dovetail.migrator.service.MigrationUnavailableException;
import dovetail.migrator.service.Migrations;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery rule (DESIGN, "Delivery"): a message for a migrated INBOX is appended with the next UID; for an
 * INBOX that is not migrated yet (no skeleton, pending, migrating, partial, failed) it goes to the user's
 * {@link UserSpool} first, and {@link #drain} appends the spool when the migration completes. A passwd-file user
 * the legacy server does not know has nothing to migrate: their mail goes to the store at once. One lock per user
 * covers "decide and write" and the drain, so a message cannot slip into the spool after its drain, and a direct
 * append never overtakes spooled messages (the spool is drained first).
 */
final class InboxDelivery {
  private static final Logger LOG = LoggerFactory.getLogger(InboxDelivery.class);

  /** Where one delivery went. */
  enum Placement { STORED, SPOOLED }

  private final Function<String, MailStore> stores;
  private final Optional<Migrations> migrations;
  private final Predicate<String> passwdUsers;
  /** Users found to have no legacy account; the answer holds while the process (and its settings) lives. */
  private final Set<String> localOnly = ConcurrentHashMap.newKeySet();
  private final boolean fsync;
  private final Clock clock;
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
  private final Map<String, UserSpool> spools = new ConcurrentHashMap<>();

  InboxDelivery(Function<String, MailStore> stores, Optional<Migrations> migrations, Predicate<String> passwdUsers,
      boolean fsync, Clock clock) {
    this.stores = stores;
    this.migrations = migrations;
    this.passwdUsers = passwdUsers;
    this.fsync = fsync;
    this.clock = clock;
  }

  /** @param content opened once; the bytes as they are to be stored */
  Placement deliver(String user, Supplier<InputStream> content) throws java.io.IOException {
    ReentrantLock lock = lock(user);
    lock.lock();
    try {
      MailStore store = stores.apply(user);
      Optional<Mailbox> inbox = readyInbox(user, store);
      try (InputStream in = content.get()) {
        if (inbox.isEmpty()) {
          spool(user, store).add(in);
          return Placement.SPOOLED;
        }
        SpoolDrain.drain(spool(user, store), inbox.get()); // older spooled messages first
        inbox.get().append(MessageMeta.next(clock.instant(), Flags.NONE), in);
        return Placement.STORED;
      }
    } finally {
      lock.unlock();
    }
  }

  /** Appends the user's spool if INBOX is migrated now; does nothing otherwise. */
  int drain(String user) {
    ReentrantLock lock = lock(user);
    lock.lock();
    try {
      MailStore store = stores.apply(user);
      UserSpool spool = spool(user, store);
      if (!Files.isDirectory(spool.dir())) {
        return 0;
      }
      Optional<Mailbox> inbox = readyInbox(user, store);
      if (inbox.isEmpty()) {
        return 0;
      }
      int n = SpoolDrain.drain(spool, inbox.get());
      if (n > 0) {
        LOG.info("{}: INBOX: {} spooled deliveries appended", user, n);
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  /** INBOX when a message may be appended to it now: migrated, or not a migrated folder at all. */
  private Optional<Mailbox> readyInbox(String user, MailStore store) {
    if (migrations.isEmpty() || localOnly(user)) {
      return Optional.of(store.exists(MailStore.INBOX) ? store.open(MailStore.INBOX) : store.create(MailStore.INBOX));
    }
    if (!migrations.get().hasSkeleton(user) || !store.exists(MailStore.INBOX)) {
      return Optional.empty();
    }
    Mailbox inbox = store.open(MailStore.INBOX);
    Optional<FolderState> state = FolderState.of(inbox.dovetailState());
    // Anything but complete may still receive legacy UIDs below its NEXTUID: such an INBOX takes no new UID yet.
    return state.isEmpty() || state.get() == FolderState.COMPLETE ? Optional.of(inbox) : Optional.empty();
  }

  /**
   * A passwd-file user without a skeleton is asked about on the legacy server once: if it refuses the login as that
   * user while the master user is known to work (so the refusal is not a wrong imapc_password), there is nothing to
   * migrate and never will be, so the mail goes to the store's INBOX rather than into a
   * spool that no migration would drain. If it lets the user in, the skeleton is built and the usual rule applies;
   * if it cannot tell now, the message is spooled and the question comes again with the next delivery or drain.
   */
  private boolean localOnly(String user) {
    if (localOnly.contains(user)) {
      return true;
    }
    if (!passwdUsers.test(user) || migrations.get().hasSkeleton(user)) {
      return false;
    }
    try {
      migrations.get().ensureSkeleton(user);
      return false;
    } catch (MigrationUnavailableException e) {
      if (!e.loginRefused() || !migrations.get().refusedLoginMeansNoAccount()) {
        LOG.info("{}: no skeleton yet, the legacy server cannot tell now ({}): spooling", user, e.getMessage());
        return false;
      }
      LOG.info("{}: listed in the passwd-file, unknown to the legacy server: delivering to the store", user);
      localOnly.add(user);
      return true;
    }
  }

  private UserSpool spool(String user, MailStore store) {
    return spools.computeIfAbsent(user, u -> new UserSpool(store.root(), fsync));
  }

  private ReentrantLock lock(String user) {
    return locks.computeIfAbsent(user, u -> new ReentrantLock());
  }
}
