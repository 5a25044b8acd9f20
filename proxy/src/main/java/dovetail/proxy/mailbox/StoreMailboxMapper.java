package dovetail.proxy.mailbox;

import dovetail.migrator.copy.MigrationState;
import dovetail.store.MailStore;
import dovetail.store.StoreError;
import dovetail.store.StoreException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.acl.ACLDiff;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxNameException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.exception.UnsupportedRightException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxACL;
import org.apache.james.mailbox.model.MailboxConstants;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.UidValidity;
import org.apache.james.mailbox.model.search.MailboxQuery;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Folders of the session user's own store. A path or id of anyone else (another user, another namespace) finds
 * nothing, so no command can name another user's folder; the store itself is opened per user, so even a
 * mistake here could not reach another user's files.
 */
final class StoreMailboxMapper implements MailboxMapper {
  private static final Logger LOG = LoggerFactory.getLogger(StoreMailboxMapper.class);

  private final UserMailboxes user;
  private final MailboxSession session;
  private final Username owner;
  private final char delimiter;

  StoreMailboxMapper(UserMailboxes user, MailboxSession session) {
    this.user = user;
    this.session = session;
    this.owner = session.getUser();
    this.delimiter = session.getPathDelimiter();
  }

  private boolean isOwn(MailboxPath path) {
    return owner.equals(path.getUser()) && MailboxConstants.USER_NAMESPACE.equals(path.getNamespace());
  }

  private MailStore store() {
    return user.store();
  }

  /** The James view of a store folder; its UIDVALIDITY comes from the uidlist header alone (no listing). */
  Mailbox toJames(String storeName) {
    long uidValidity = store().open(storeName).uidValidity();
    return new Mailbox(MailboxPath.forUser(owner, FolderNames.toJames(storeName, delimiter)),
        UidValidity.of(uidValidity), user.idOf(storeName));
  }

  private static <T> Mono<T> blocking(StoreCall<T> call) {
    return BlockingCalls.mono(call::call);
  }

  @FunctionalInterface
  private interface StoreCall<T> {
    T call() throws MailboxException;
  }

  @Override
  public Mono<Mailbox> create(MailboxPath path, UidValidity ignored) {
    return blocking(() -> {
      if (!isOwn(path)) {
        throw new MailboxNameException("cannot create another user's folder");
      }
      String name = FolderNames.toStore(path.getName(), delimiter);
      try {
        RecentMessages.made(store().create(name));
        return toJames(name);
      } catch (StoreException e) {
        throw StoreErrors.forWrite(e, path.getName(), session); // a full disk: NO [OVERQUOTA], as APPEND
      }
    });
  }

  @Override
  public Mono<MailboxId> rename(Mailbox mailbox) {
    return blocking(() -> {
      if (!isOwn(mailbox.generateAssociatedPath())) {
        throw new MailboxNameException("cannot rename to another user's folder");
      }
      StoreMailboxId id = (StoreMailboxId) mailbox.getMailboxId();
      String from = user.nameOf(id).orElseThrow(() -> new MailboxNotFoundException(id));
      String to = FolderNames.toStore(mailbox.getName(), delimiter);
      if (from.equals(MailStore.INBOX)) {
        // RFC 3501 lets a server move INBOX's messages instead; Dovecot's Maildir refuses, and so does the store.
        throw StoreRefusal.cannot(session, "Renaming INBOX isn't supported");
      }
      if (!from.equals(to)) {
        try {
          store().rename(from, to);
        } catch (StoreException e) {
          throw StoreErrors.forWrite(e, mailbox.getName(), session);
        }
        user.renamed(from, to);
      }
      return id;
    });
  }

  @Override
  public Mono<Void> delete(Mailbox mailbox) {
    return blocking(() -> {
      StoreMailboxId id = (StoreMailboxId) mailbox.getMailboxId();
      String name = user.nameOf(id).orElseThrow(() -> new MailboxNotFoundException(id));
      try {
        store().delete(name);
      } catch (StoreException e) {
        throw StoreErrors.forWrite(e, mailbox.getName(), session);
      }
      user.deleted(name);
      return null;
    }).then();
  }

  @Override
  public Mono<Mailbox> findMailboxByPath(MailboxPath path) {
    return blocking(() -> find(path).orElse(null));
  }

  private Optional<Mailbox> find(MailboxPath path) throws MailboxException {
    if (!isOwn(path)) {
      return Optional.empty();
    }
    String name;
    try {
      name = FolderNames.toStore(path.getName(), delimiter);
    } catch (MailboxNameException e) {
      return Optional.empty();
    }
    try {
      return store().exists(name) ? Optional.of(toJames(name)) : Optional.empty();
    } catch (StoreException e) {
      if (e.error() == dovetail.store.StoreError.NOT_FOUND || e.error() == dovetail.store.StoreError.INVALID_NAME) {
        return Optional.empty();
      }
      throw StoreErrors.forRead(e, path.getName(), session);
    }
  }

  /**
   * The legacy server's special use of the folder at {@code path}, when the folder was set up from the legacy server
   * (it has a migration state), as the last listing of it read it ({@link #readLegacySpecialUse}); empty for a folder
   * created here, or not listed. No I/O: LIST asks on threads that must not block.
   */
  Optional<LegacySpecialUse> legacySpecialUse(MailboxPath path) {
    if (!isOwn(path)) {
      return Optional.empty();
    }
    try {
      return user.legacySpecialUse(FolderNames.toStore(path.getName(), delimiter));
    } catch (MailboxNameException e) {
      return Optional.empty();
    }
  }

  /** Reads a listed folder's legacy special use from its state, unless known already. Blocks. */
  private void readLegacySpecialUse(String storeName) {
    if (user.legacySpecialUse(storeName).isPresent()) {
      return;
    }
    Map<String, String> state;
    try {
      state = store().open(storeName).dovetailState();
    } catch (StoreException e) {
      // A folder the server may not read is listed all the same, and its refusal logged when it is opened.
      if (e.error() != StoreError.NOT_FOUND && e.error() != StoreError.UNREADABLE) {
        LOG.warn("special use of {}: cannot read the folder's state: {}", storeName, e.getMessage());
      }
      return;
    }
    if (MigrationState.FolderState.of(state).isPresent()) {
      user.rememberLegacySpecialUse(storeName,
          new LegacySpecialUse(Optional.ofNullable(state.get(MigrationState.LEGACY_SPECIAL_USE))));
    }
  }

  @Override
  public Mono<Mailbox> findMailboxById(MailboxId mailboxId) {
    return blocking(() -> mailboxById(mailboxId));
  }

  /**
   * {@link #findMailboxById} on the calling thread, for code that already runs on a thread that may block: blocking
   * there on the scheduler's own Mono could wait for a worker that is itself waiting (two such waits deadlock).
   */
  Mailbox mailboxById(MailboxId mailboxId) throws MailboxException {
    if (!(mailboxId instanceof StoreMailboxId id)) {
      throw new MailboxNotFoundException(mailboxId);
    }
    String name = user.nameOf(id).orElseThrow(() -> new MailboxNotFoundException(mailboxId));
    try {
      if (!store().exists(name)) {
        throw new MailboxNotFoundException(mailboxId);
      }
      return toJames(name);
    } catch (StoreException e) {
      throw StoreErrors.forRead(e, FolderNames.toJames(name, delimiter), session);
    }
  }

  /** No shared folders and no other users' folders, ever. */
  @Override
  public Flux<Mailbox> findNonPersonalMailboxes(Username userName, MailboxACL.Right right) {
    return Flux.empty();
  }

  @Override
  public Flux<Mailbox> findMailboxWithPathLike(MailboxQuery.UserBound query) {
    if (!owner.equals(query.getFixedUser()) || !MailboxConstants.USER_NAMESPACE.equals(query.getFixedNamespace())) {
      return Flux.empty();
    }
    return blocking(() -> {
      List<String> names = store().listFolders();
      return names.stream()
          .filter(n -> query.isPathMatch(MailboxPath.forUser(owner, FolderNames.toJames(n, delimiter))))
          .map(n -> {
            readLegacySpecialUse(n); // for LIST's special-use attributes (SpecialUseTyper), which must not block
            return toJamesIfStillThere(n);
          })
          .flatMap(Optional::stream)
          .toList();
    }).flatMapMany(Flux::fromIterable);
  }

  /**
   * A folder can vanish between listing and opening (another writer deleted it). One the server may not read is
   * listed as Dovecot lists it, with a UIDVALIDITY of 1 that no client sees (LIST shows none; SELECT and STATUS open
   * it again, and are refused): a folder left out of LIST is one a client drops its copy of (walk-through 11, W5).
   */
  private Optional<Mailbox> toJamesIfStillThere(String name) {
    try {
      return Optional.of(toJames(name));
    } catch (StoreException e) {
      if (e.error() == StoreError.UNREADABLE) {
        return Optional.of(new Mailbox(MailboxPath.forUser(owner, FolderNames.toJames(name, delimiter)),
            UidValidity.of(1), user.idOf(name)));
      }
      return Optional.empty();
    }
  }

  @Override
  public Mono<Boolean> hasChildren(Mailbox mailbox, char ignored) {
    return blocking(() -> {
      String name = FolderNames.toStore(mailbox.getName(), delimiter);
      String prefix = name + MailStore.SEPARATOR;
      return store().listFolders().stream().anyMatch(n -> n.startsWith(prefix));
    });
  }

  @Override
  public Mono<ACLDiff> updateACL(Mailbox mailbox, MailboxACL.ACLCommand command) {
    return Mono.error(new UnsupportedRightException(MailboxACL.Right.Administer));
  }

  @Override
  public Mono<ACLDiff> setACL(Mailbox mailbox, MailboxACL acl) {
    return Mono.error(new UnsupportedRightException(MailboxACL.Right.Administer));
  }

  @Override
  public Flux<Mailbox> list() {
    return blocking(() -> store().listFolders().stream().map(this::toJamesIfStillThere).flatMap(Optional::stream).toList())
        .flatMapMany(Flux::fromIterable);
  }
}
