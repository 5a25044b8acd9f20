package dovetail.store.maildir;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dovetail.store.MailStore;
import dovetail.store.MailboxPeek;
import dovetail.store.Mailbox;
import dovetail.store.StoreError;
import dovetail.store.StoreException;
import dovetail.store.StoreOptions;
import dovetail.store.Uids;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A user's Maildir++ store (mailbox-list-maildir.c for the folder list, maildir-storage.c for create/delete). */
final class MaildirMailStore implements MailStore {
  private static final Logger LOG = LoggerFactory.getLogger(MaildirMailStore.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final MaildirLayout layout;
  private final StoreOptions options;
  private final FileWrites fsync;
  /**
   * The folders opened, each with its in-memory view. Held softly or weakly (StoreOptions.keepFolders): a folder
   * that nobody uses any more is dropped when memory runs short, or at once, and read from disk again when next
   * opened, so a user with more messages than the heap can hold the views of is still migrated folder by folder
   * (with every view kept, a backup of 100,000 messages ran out of a 128 MB heap after eight folders).
   */
  private final Cache<Path, MaildirFolder> open;

  MaildirMailStore(Path root, StoreOptions options) {
    this.layout = new MaildirLayout(root);
    this.options = options;
    this.fsync = new FileWrites(options.fsync(), FileOwner.of(root), FileModes.of(root));
    this.open = options.keepFolders() == StoreOptions.KeepFolders.WHILE_USED
        ? Caffeine.newBuilder().weakValues().build()
        : Caffeine.newBuilder().softValues().build();
    createSubdirectories(root);
  }

  static String newGuid() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  @Override
  public Path root() {
    return layout.root();
  }

  @Override
  public List<String> listFolders() {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(layout.root())) {
      for (Path p : entries) {
        String name = MaildirLayout.nameOf(p.getFileName().toString());
        if (name != null && isFolderDirectory(p)) {
          names.add(name);
        }
      }
    } catch (IOException e) {
      throw MaildirSync.io("cannot list " + layout.root(), e);
    }
    names.sort(Comparator.naturalOrder());
    names.add(0, INBOX);
    return names;
  }

  /** A folder whose directory the server may not look into is a folder all the same: listed, and refused on open. */
  private static boolean isFolderDirectory(Path dir) {
    return FolderDirectory.of(dir) != FolderDirectory.NONE;
  }

  @Override
  public boolean exists(String folder) {
    return MaildirLayout.isInbox(folder) || isFolderDirectory(layout.directoryOf(folder));
  }

  /** @throws StoreException NOT_FOUND, or UNREADABLE when the server may not look into the folder's directory */
  private void checkReadable(String folder, Path dir) {
    FolderDirectory kind = FolderDirectory.of(dir);
    if (kind == FolderDirectory.UNREADABLE) {
      throw FolderDirectory.unreadable(MaildirLayout.canonical(folder), dir);
    }
    if (kind == FolderDirectory.NONE && !MaildirLayout.isInbox(folder)) {
      throw new StoreException(StoreError.NOT_FOUND, "no folder " + folder);
    }
  }

  @Override
  public Mailbox open(String folder) {
    Path dir = layout.directoryOf(folder);
    checkReadable(folder, dir);
    if (!Files.isDirectory(dir.resolve("cur"))) {
      recreateCur(dir);
    }
    return open.get(dir, d -> {
      removeOldTemporaryFiles(d, System.currentTimeMillis() - TmpLeftovers.ABANDONED_AFTER.toMillis());
      return new MaildirFolder(MaildirLayout.canonical(folder), d, layout.root(), options, fsync);
    });
  }

  /**
   * Documented repair: a folder that lost cur/ but still has its uidlist keeps its UIDs. With a uidlist, under the
   * folder's lock and looked at again: a creator holds it from writing the uidlist until cur/ is made, and a folder
   * another process was creating (two backups at once) was "repaired" with a WARN of a loss (review 21, F6).
   */
  private void recreateCur(Path dir) {
    Runnable repair = () -> {
      if (!Files.isDirectory(dir.resolve("cur"))) {
        LOG.warn("{}: cur/ is missing; recreating it", dir);
        createSubdirectories(dir);
      }
    };
    if (Files.exists(dir.resolve("dovecot-uidlist"))) {
      FolderLock.of(dir, fsync.owner()).write(options.lockTimeout(), () -> {
        repair.run();
        return null;
      });
    } else {
      repair.run(); // INBOX of a new store: no folder of its own to lock yet
    }
  }

  @Override
  public Optional<MailboxPeek> peek(String folder) {
    if (!exists(folder)) {
      return Optional.empty();
    }
    Path dir = layout.directoryOf(folder);
    checkReadable(folder, dir);
    // The open folder's view if there is one; otherwise a folder object that is not kept (opening one cleans tmp/).
    MaildirFolder f = open.getIfPresent(dir);
    return Optional.of(new MaildirPeek(f != null ? f
        : new MaildirFolder(MaildirLayout.canonical(folder), dir, layout.root(), options, fsync)));
  }

  /** See {@link TmpLeftovers}: what a kill left in tmp/, and what nobody changed since {@code cutoffMillis}. */
  static void removeOldTemporaryFiles(Path folderDir, long cutoffMillis) {
    TmpLeftovers.remove(folderDir, cutoffMillis);
  }

  @Override
  public Mailbox create(String folder) {
    return createFolder(folder, 0, 1);
  }

  @Override
  public Mailbox create(String folder, long uidValidity, long nextUid) {
    if (uidValidity < 1 || uidValidity > Uids.MAX_UIDVALIDITY) {
      throw new StoreException(StoreError.UID_CONFLICT, "UIDVALIDITY out of range: " + uidValidity);
    }
    if (nextUid < 1 || nextUid > Uids.MAX_UID + 1) {
      throw new StoreException(StoreError.UID_CONFLICT, "next UID out of range: " + nextUid);
    }
    return createFolder(folder, uidValidity, nextUid);
  }

  private Mailbox createFolder(String folder, long uidValidity, long nextUid) {
    MaildirLayout.validate(folder);
    Path dir = layout.directoryOf(folder);
    boolean inbox = MaildirLayout.isInbox(folder);
    if (inbox) {
      return createInbox(uidValidity, nextUid);
    }
    if (Files.isDirectory(dir.resolve("cur"))) {
      throw new StoreException(StoreError.ALREADY_EXISTS, "folder " + folder + " exists already");
    }
    if (FolderDirectory.of(dir) == FolderDirectory.UNREADABLE) {
      // There, though its cur/ cannot be seen: writing into it would fail half-way ("CREATE processing failed").
      throw new StoreException(StoreError.ALREADY_EXISTS, "folder " + folder + " exists already, and cannot be read: "
          + FolderDirectory.why(dir));
    }
    fsync.createDirectories(dir.resolve("tmp"));
    fsync.createDirectories(dir.resolve("new"));
    fsync.createFile(dir.resolve("maildirfolder"));
    // Under the folder's lock, looked at again: two processes creating one folder at once (two backups of a user
    // started together) both wrote dovecot-uidlist.tmp, and one failed (review 21, F6). The second finds it made.
    FolderLock.of(dir, fsync.owner()).write(options.lockTimeout(), () -> {
      if (Files.isDirectory(dir.resolve("cur"))) {
        throw new StoreException(StoreError.ALREADY_EXISTS, "folder " + folder + " exists already");
      }
      long v = uidValidity != 0 ? uidValidity : UidValidityFile.allocate(layout.root(), fsync);
      if (uidValidity != 0) {
        UidValidityFile.noteUsed(layout.root(), uidValidity, fsync);
      }
      fsync.replace(dir.resolve("dovecot-uidlist"), dir.resolve("dovecot-uidlist.tmp"),
          Uidlist.format(new UidlistHeader(v, nextUid, newGuid(), List.of()), List.of()));
      // cur/ last: the folder exists for Dovecot only once it has its uidlist.
      createSubdirectories(dir);
      return null;
    });
    fsync.directory(layout.root());
    return open(folder);
  }

  /**
   * INBOX always exists (it is the root), so a plain create fails. With an explicit UIDVALIDITY, an INBOX
   * that holds no message gets it, as migration needs; its old UIDs are gone, so no client can mix them up.
   */
  private Mailbox createInbox(long uidValidity, long nextUid) {
    if (uidValidity == 0) {
      throw new StoreException(StoreError.ALREADY_EXISTS, "INBOX exists already");
    }
    MaildirFolder inbox = (MaildirFolder) open(INBOX);
    inbox.writeBeforeUidlist(() -> {
      if (!inbox.sync().records().isEmpty() || !inbox.sync().unrecordedFiles().isEmpty()) {
        throw new StoreException(StoreError.ALREADY_EXISTS, "INBOX exists already and is not empty");
      }
      UidValidityFile.noteUsed(layout.root(), uidValidity, fsync);
      inbox.writeEmptyUidlist(new UidlistHeader(uidValidity, nextUid, newGuid(), List.of()));
      return null;
    });
    return inbox;
  }

  private void createSubdirectories(Path dir) {
    for (String sub : new String[] {"tmp", "new", "cur"}) {
      fsync.createDirectories(dir.resolve(sub));
    }
  }

  @Override
  public void rename(String from, String to) {
    if (MaildirLayout.isInbox(from) || MaildirLayout.isInbox(to)) {
      throw new StoreException(StoreError.INVALID_NAME, "INBOX cannot be renamed");
    }
    MaildirLayout.validate(to);
    if (to.startsWith(from + SEPARATOR)) {
      // The children would be moved into the folder's own new name (Dovecot refuses it too, cmd-rename.c).
      throw new StoreException(StoreError.INVALID_NAME, "cannot rename folder " + from + " under itself, to " + to);
    }
    if (!exists(from)) {
      throw new StoreException(StoreError.NOT_FOUND, "no folder " + from);
    }
    if (exists(to)) {
      throw new StoreException(StoreError.ALREADY_EXISTS, "folder " + to + " exists already");
    }
    String fromDir = MaildirLayout.directoryName(from);
    String toDir = MaildirLayout.directoryName(to);
    try {
      // The folder itself, then its children (".From.x" -> ".To.x"), as Dovecot renames the hierarchy.
      // Matched by plain prefix: '[', '{', '*', '?' and '\' pass through modified UTF-7 and would be a glob.
      String childPrefix = fromDir + ".";
      List<Path> children = new ArrayList<>();
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(layout.root(),
          entry -> entry.getFileName().toString().startsWith(childPrefix))) {
        entries.forEach(children::add);
      }
      Files.move(layout.root().resolve(fromDir), layout.root().resolve(toDir));
      for (Path child : children) {
        String rest = child.getFileName().toString().substring(fromDir.length());
        Files.move(child, layout.root().resolve(toDir + rest));
      }
    } catch (IOException e) {
      throw MaildirSync.io("cannot rename " + from + " to " + to, e);
    }
    open.invalidateAll();
  }

  @Override
  public void delete(String folder) {
    if (MaildirLayout.isInbox(folder)) {
      throw new StoreException(StoreError.INVALID_NAME, "INBOX cannot be deleted");
    }
    Path dir = layout.directoryOf(folder);
    // One the server may not read would be moved aside and then not removed: gone from LIST, its mail kept in a
    // .DOVECOT-TRASHED that no later delete could clear.
    checkReadable(folder, dir);
    // Dovecot renames to .DOVECOT-TRASHED first, so a crash never leaves a half-deleted folder listed.
    Path trash = layout.root().resolve(MaildirLayout.TRASHED);
    try {
      deleteTree(trash);
      Files.move(dir, trash);
      deleteTree(trash);
    } catch (IOException e) {
      throw MaildirSync.io("cannot delete folder " + folder, e);
    }
    open.invalidate(dir);
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
        try {
          Files.delete(q);
        } catch (NoSuchFileException e) {
          // gone already
        }
      }
    }
  }

  @Override
  public Set<String> subscriptions() {
    return Subscriptions.read(layout.root());
  }

  @Override
  public dovetail.store.StoreFiles files() {
    return fsync;
  }

  @Override
  public void setSubscribed(String folder, boolean subscribed) {
    MaildirLayout.validate(folder);
    Subscriptions.update(layout.root(), folder, subscribed, fsync);
  }
}
