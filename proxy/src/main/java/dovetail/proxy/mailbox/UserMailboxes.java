package dovetail.proxy.mailbox;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dovetail.store.MailStore;
import dovetail.store.StoreError;
import dovetail.store.StoreException;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * One user's store and the per-process facts about its folders: their ids and {@link FolderState}s. Shared
 * by every session of the user, so that they agree on ids (James routes events by mailbox id) and on
 * mod-sequences.
 */
final class UserMailboxes {
  private final String user;
  private final MailStore store;
  private final AtomicLong idSource;
  private final Map<String, StoreMailboxId> idsByName = new HashMap<>();
  private final Map<StoreMailboxId, String> namesById = new HashMap<>();
  private final Map<StoreMailboxId, FolderState> states = new HashMap<>();
  /**
   * The legacy special use of migrated folders, by store name, as LIST last read it from their state. It never
   * changes once the skeleton set it, so only folders without one are read again; the entry goes with a rename or
   * delete made here.
   */
  private final Map<String, LegacySpecialUse> legacySpecialUse = new ConcurrentHashMap<>();

  /** The registry's index of ids to their user, told of every id made here. */
  private final Cache<StoreMailboxId, UserMailboxes> owners;

  private UserMailboxes(String user, MailStore store, AtomicLong idSource, Cache<StoreMailboxId, UserMailboxes> owners) {
    this.user = user;
    this.store = store;
    this.idSource = idSource;
    this.owners = owners;
  }

  String user() {
    return user;
  }

  MailStore store() {
    return store;
  }

  /** One folder, opened, with its state loaded. */
  record Folder(StoreMailboxId id, String name, dovetail.store.Mailbox mailbox, FolderState state) {}

  Folder folder(StoreMailboxId id) throws MailboxException {
    String name = nameOf(id).orElseThrow(() -> new MailboxNotFoundException(id));
    dovetail.store.Mailbox mailbox;
    try {
      mailbox = store.open(name);
    } catch (StoreException e) {
      if (e.error() == StoreError.NOT_FOUND) {
        throw new MailboxNotFoundException(id);
      }
      throw StoreErrors.toJames(e, name);
    }
    FolderState state = stateOf(id);
    state.ensureLoaded(mailbox);
    return new Folder(id, name, mailbox, state);
  }

  synchronized StoreMailboxId idOf(String storeName) {
    return idsByName.computeIfAbsent(storeName, n -> {
      StoreMailboxId id = new StoreMailboxId(idSource.incrementAndGet());
      namesById.put(id, n);
      owners.put(id, this);
      return id;
    });
  }

  synchronized Optional<String> nameOf(StoreMailboxId id) {
    return Optional.ofNullable(namesById.get(id));
  }

  synchronized FolderState stateOf(StoreMailboxId id) {
    return states.computeIfAbsent(id, i -> new FolderState(this));
  }

  /** See {@link FolderState#legacyModSeqRose}; a folder this process has not loaded applies it at its load. */
  void legacyModSeqRose(String storeName) {
    FolderState state;
    synchronized (this) {
      StoreMailboxId id = idsByName.get(storeName);
      state = id == null ? null : states.get(id);
    }
    if (state != null) {
      state.legacyModSeqRose(store.open(storeName));
    }
  }

  Optional<LegacySpecialUse> legacySpecialUse(String storeName) {
    return Optional.ofNullable(legacySpecialUse.get(storeName));
  }

  void rememberLegacySpecialUse(String storeName, LegacySpecialUse specialUse) {
    legacySpecialUse.put(storeName, specialUse);
  }

  private void forgetLegacySpecialUse(String name) {
    legacySpecialUse.keySet().removeIf(n -> n.equals(name) || n.startsWith(name + MailStore.SEPARATOR));
  }

  /** The store moved {@code from} and its children to {@code to}; their ids follow. */
  synchronized void renamed(String from, String to) {
    forgetLegacySpecialUse(from);
    Map<String, StoreMailboxId> moved = new HashMap<>();
    idsByName.entrySet().removeIf(e -> {
      String name = e.getKey();
      if (name.equals(from) || name.startsWith(from + MailStore.SEPARATOR)) {
        moved.put(to + name.substring(from.length()), e.getValue());
        return true;
      }
      return false;
    });
    moved.forEach((name, id) -> {
      idsByName.put(name, id);
      namesById.put(id, name);
    });
  }

  /** The folder is gone; a folder created later under the same name is a new folder with a new id. */
  synchronized void deleted(String name) {
    forgetLegacySpecialUse(name);
    StoreMailboxId id = idsByName.remove(name);
    if (id != null) {
      namesById.remove(id);
      states.remove(id);
      owners.invalidate(id);
    }
  }

  /**
   * Every user's {@link UserMailboxes}, opened on first use. An entry holds the user's folder states, with every
   * message's metadata of every folder selected, so the registry holds it softly: it stays while anything uses it (a
   * session's mappers, a command, a {@link FolderState}, which names its owner) and after that while memory allows
   * (a user who comes back soon finds the mod-sequences handed out); under memory pressure a user nobody uses is
   * forgotten, and comes back as after a restart (walk-through 14, L1: every user ever seen was kept, and a
   * long-running server ran out of heap). A user in use is never forgotten, so no two entries of one user exist at once.
   */
  static final class Registry {
    private final Function<String, MailStore> opener;
    private final Cache<String, UserMailboxes> users = Caffeine.newBuilder().softValues().build();
    /** Which user an id belongs to: gone with its user (the same referent) or with its folder. */
    private final Cache<StoreMailboxId, UserMailboxes> owners = Caffeine.newBuilder().weakValues().build();
    private final AtomicLong idSource = new AtomicLong();

    Registry(Function<String, MailStore> opener) {
      this.opener = opener;
    }

    UserMailboxes of(String user) {
      return users.get(user, u -> new UserMailboxes(u, opener.apply(u), idSource, owners));
    }

    /** The users held now (in use, or kept while memory allows). */
    long heldUsers() {
      users.cleanUp();
      return users.estimatedSize();
    }

    /** The folder behind an id, whoever owns it; for James parts that pass only a mailbox id. */
    Folder folder(StoreMailboxId id) throws MailboxException {
      UserMailboxes owner = owners.getIfPresent(id);
      if (owner == null) {
        throw new MailboxNotFoundException(id);
      }
      return owner.folder(id);
    }
  }
}
