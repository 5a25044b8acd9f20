package dovetail.proxy.lmtp;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dovetail.migrator.copy.MigrationState.FolderState;
import dovetail.migrator.service.MigrationUnavailableException;
import dovetail.migrator.service.Migrations;
import dovetail.proxy.mailbox.RecentMessages;
import dovetail.store.Flags;
import dovetail.store.MailLocation;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import java.io.InputStream;
import java.lang.ref.Reference;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
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

  private final MailLocation location;
  private final Function<String, MailStore> stores;
  private final Optional<Migrations> migrations;
  private final boolean fsync;
  private final Clock clock;
  /** Held while a delivery or drain uses them, then forgotten (walk-through 14: one per user ever seen was kept). */
  private final Cache<String, ReentrantLock> locks = Caffeine.newBuilder().weakValues().build();
  private final Cache<String, UserSpool> spools = Caffeine.newBuilder().weakValues().build();

  InboxDelivery(MailLocation location, Function<String, MailStore> stores, Optional<Migrations> migrations,
      boolean fsync, Clock clock) {
    this.location = location;
    this.stores = stores;
    this.migrations = migrations;
    this.fsync = fsync;
    this.clock = clock;
  }

  /** @param content opened once; the bytes as they are to be stored */
  Placement deliver(String user, Supplier<InputStream> content) throws java.io.IOException {
    ReentrantLock lock = lock(user);
    lock.lock();
    MailStore store = null;
    try {
      store = stores.apply(user);
      Optional<Mailbox> inbox = readyInbox(user, store);
      try (InputStream in = content.get()) {
        if (inbox.isEmpty()) {
          spool(user, store).add(in);
          return Placement.SPOOLED;
        }
        RecentMessages.beforeAdding(inbox.get());
        SpoolDrain.drain(spool(user, store), inbox.get()); // older spooled messages first
        inbox.get().append(MessageMeta.next(clock.instant(), Flags.NONE), in);
        return Placement.STORED;
      }
    } finally {
      // The user's store object stays the one every other part gets (weakly held) until the delivery is done.
      Reference.reachabilityFence(store);
      lock.unlock();
    }
  }

  /**
   * Appends the user's spool if INBOX may take mail now (asking the legacy server about a user without a skeleton);
   * does nothing otherwise. A user without a spool is not looked at: no store is made for them.
   */
  int drain(String user) {
    return drain(user, true);
  }

  /** As {@link #drain(String)}, without asking the legacy server: only a user whose skeleton is there already. */
  int drainIfReady(String user) {
    return drain(user, false);
  }

  private int drain(String user, boolean askLegacy) {
    java.nio.file.Path root;
    try {
      root = location.rootFor(user);
    } catch (RuntimeException e) {
      return 0; // a name no store can have (a stray line in sweeper_users): it has no spool either
    }
    if (!UserSpool.holdsMail(root)) {
      return 0; // before opening the store, which would create it (and it is a stat per user for the periodic check)
    }
    ReentrantLock lock = lock(user);
    lock.lock();
    MailStore store = null;
    try {
      if (!askLegacy && migrations.isPresent() && !migrations.get().hasSkeleton(user)) {
        return 0;
      }
      store = stores.apply(user);
      UserSpool spool = spool(user, store);
      Optional<Mailbox> inbox = readyInbox(user, store);
      if (inbox.isEmpty()) {
        return 0;
      }
      RecentMessages.beforeAdding(inbox.get());
      int n = SpoolDrain.drain(spool, inbox.get());
      if (n > 0) {
        LOG.info("{}: INBOX: {} spooled deliveries appended", user, n);
      }
      return n;
    } finally {
      Reference.reachabilityFence(store); // as in deliver
      lock.unlock();
    }
  }

  /**
   * INBOX when a message may be appended to it now: migrated, or not a migrated folder at all. A user without a
   * skeleton is asked about on the legacy server (the skeleton is built, or the user turns out to be a local account
   * with nothing to migrate); if it cannot tell now, the message is spooled and the question comes again with the
   * next delivery or drain.
   */
  private Optional<Mailbox> readyInbox(String user, MailStore store) {
    if (migrations.isEmpty()) {
      return Optional.of(store.exists(MailStore.INBOX) ? store.open(MailStore.INBOX) : store.create(MailStore.INBOX));
    }
    if (!migrations.get().hasSkeleton(user)) {
      try {
        migrations.get().ensureSkeleton(user);
      } catch (MigrationUnavailableException e) {
        LOG.info("{}: no skeleton yet, the legacy server cannot tell now ({}): spooling", user, e.getMessage());
        return Optional.empty();
      }
    }
    if (!store.exists(MailStore.INBOX)) {
      return Optional.empty();
    }
    Mailbox inbox = store.open(MailStore.INBOX);
    Optional<FolderState> state = FolderState.of(inbox.dovetailState());
    // Anything but complete may still receive legacy UIDs below its NEXTUID: such an INBOX takes no new UID yet.
    return state.isEmpty() || state.get() == FolderState.COMPLETE ? Optional.of(inbox) : Optional.empty();
  }

  private UserSpool spool(String user, MailStore store) {
    return spools.get(user, u -> new UserSpool(store, fsync));
  }

  private ReentrantLock lock(String user) {
    return locks.get(user, u -> new ReentrantLock());
  }
}
