package dovetail.store.maildir;

import dovetail.store.Flags;
import dovetail.store.Mailbox;
import dovetail.store.MailboxStatus;
import dovetail.store.MailboxTransaction;
import dovetail.store.StoreError;
import dovetail.store.StoreException;
import dovetail.store.StoreOptions;
import dovetail.store.StoredMessage;
import dovetail.store.SystemFlag;
import dovetail.store.Uids;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Maildir folder: reads through {@link MaildirSync}; every change happens with the folder's locks held
 * ({@link FolderLock}), in the order Dovecot's maildir-save.c uses, so that a kill at any instant leaves a
 * store that Dovecot and Dovetail both read without loss.
 */
final class MaildirFolder implements Mailbox {
  private static final Logger LOG = LoggerFactory.getLogger(MaildirFolder.class);
  /** Tries of a file change whose file another writer keeps renaming (Dovecot changing its flags) before giving up. */
  private static final int RENAMED_RETRIES = 4;

  private final String name;
  private final Path dir;
  private final Path root;
  private final StoreOptions options;
  private final FileWrites fsync;
  private final FolderLock lock;
  private final MaildirSync sync;
  /** tmp/'s mtime when {@link #removeTmpLeftovers} last looked, so that it looks again only after a change. */
  private Object tmpSeen;

  MaildirFolder(String name, Path dir, Path root, StoreOptions options, FileWrites fsync) {
    this.name = name;
    this.dir = dir;
    this.root = root;
    this.options = options;
    this.fsync = fsync;
    this.lock = FolderLock.of(dir, fsync.owner());
    this.sync = new MaildirSync(dir, w -> LOG.warn("{}", w), this::relistedFileOf);
  }

  /** For a date read on use whose file was renamed since its view was built: where the file is now, or null. */
  private String relistedFileOf(String baseName) {
    return lock.read(() -> {
      sync.refresh(true);
      return sync.fileOf(baseName);
    });
  }

  Path directory() {
    return dir;
  }

  FileWrites fsync() {
    return fsync;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public MailboxStatus status() {
    return read(() -> {
      int unseen = 0;
      for (MaildirSync.Entry e : sync.view().values()) {
        if (!e.message().flags().has(SystemFlag.SEEN)) {
          unseen++;
        }
      }
      UidlistHeader h = sync.header();
      return new MailboxStatus(h.uidValidity(), sync.effectiveNextUid(), sync.view().size(), unseen, h.guid());
    });
  }

  /** Only the uidlist's header (a stat when it did not change); a folder without one takes the full read. */
  @Override
  public long uidValidity() {
    UidlistHeader h = lock.read(sync::refreshUidlist);
    return h != null ? h.uidValidity() : status().uidValidity();
  }

  @Override
  public List<StoredMessage> messages() {
    return read(sync::messages);
  }

  @Override
  public Optional<StoredMessage> message(long uid) {
    return read(() -> Optional.ofNullable(sync.view().get(uid)).map(MaildirSync.Entry::message));
  }

  /** The message's record and where its file is, as {@link #message} reads it. */
  Optional<MaildirSync.Entry> entry(long uid) {
    return read(() -> Optional.ofNullable(sync.view().get(uid)));
  }

  @Override
  public InputStream openContent(long uid) {
    // A flag change renames the file between our lookup and the open: look up again once.
    for (int attempt = 0; attempt < 3; attempt++) {
      Path file = read(() -> {
        MaildirSync.Entry e = sync.view().get(uid);
        return e == null ? null : dir.resolve(e.relativePath());
      });
      if (file == null) {
        break;
      }
      try {
        return Files.newInputStream(file);
      } catch (NoSuchFileException e) {
        lock.read(() -> {
          sync.invalidateDirectories();
          return null;
        });
      } catch (IOException e) {
        throw MaildirSync.io("cannot open " + file, e);
      }
    }
    throw new StoreException(StoreError.NOT_FOUND, "no message with UID " + uid + " in " + name);
  }

  @Override
  public MailboxTransaction begin() {
    return new MaildirSave(this);
  }

  @Override
  public void changeFlags(Collection<Long> uids, UnaryOperator<Flags> change, Consumer<FlagChange> made) {
    write(() -> {
      for (long uid : uids) {
        // A STORE over a large folder may hold the lock long: an empty one (a full disk) is judged stale by its age.
        keepLockFresh();
        // Applied to the entry of the file's current name: after a rename by another writer, to the refreshed one.
        Optional<MaildirSync.Entry> before = changeFile(uid, "rename",
            e -> renameForFlags(e, change.apply(e.message().flags())));
        if (before.isPresent()) {
          made.accept(new FlagChange(before.get().message().flags(), sync.view().get(uid).message()));
        }
      }
      return null;
    });
  }

  private void renameForFlags(MaildirSync.Entry e, Flags flags) throws IOException {
    String letters = letters(flags);
    String oldName = e.relativePath().substring(4);
    // Letters we do not know (neither system flags nor keywords) are kept, as Dovecot does.
    for (char c : MaildirFilename.flagLetters(oldName).toCharArray()) {
      if (SystemFlag.ofLetter(c) == null && !(c >= 'a' && c <= 'z')) {
        letters += c;
      }
    }
    String newName = MaildirFilename.withFlags(e.record().baseName(), letters);
    if (!e.relativePath().equals("cur/" + newName)) {
      long before = sync.curMtime();
      fsync.move(dir.resolve(e.relativePath()), dir.resolve("cur").resolve(newName));
      sync.noteOwnRenames(Map.of(e.record().baseName(), e.relativePath()),
          Map.of(e.record().baseName(), "cur/" + newName), before);
    }
  }

  @Override
  public void expunge(Collection<Long> uids) {
    write(() -> {
      Set<Long> gone = new HashSet<>();
      for (long uid : uids) {
        keepLockFresh();
        if (changeFile(uid, "delete", e -> Files.delete(dir.resolve(e.relativePath()))).isPresent()) {
          gone.add(uid);
        }
      }
      if (!gone.isEmpty()) {
        fsync.directory(dir.resolve("cur"));
        sync.refresh(true);
        rewriteUidlist(sync.header(), sync.effectiveNextUid());
      } else {
        // A message moved out of this folder (MaildirSave#addMoved) left its record without a file: dropped here.
        settleRecordsWithoutFiles();
      }
      return null;
    });
  }

  /** A change to a message's file, which throws NoSuchFileException when the file is not under the name given. */
  private interface FileChange {
    void apply(MaildirSync.Entry entry) throws IOException;
  }

  /**
   * Applies {@code change} to the file of message {@code uid}: returns the entry it was applied to (as it was before),
   * empty when there is no such message. A writer that
   * takes no lock (Dovecot changes flags by renaming) may have renamed the file since our last listing, even within
   * the mtime tick that listing saw: then the folder is listed again and the change made under the current name.
   * Only a message whose file is really gone counts as not there.
   */
  private Optional<MaildirSync.Entry> changeFile(long uid, String what, FileChange change) {
    for (int attempt = 1; ; attempt++) {
      MaildirSync.Entry e = sync.view().get(uid);
      if (e == null) {
        return Optional.empty();
      }
      try {
        change.apply(e);
        return Optional.of(e);
      } catch (NoSuchFileException renamed) {
        if (attempt == RENAMED_RETRIES) {
          throw MaildirSync.io("cannot " + what + " " + e.relativePath(), renamed);
        }
        sync.refresh(true);
      } catch (IOException ex) {
        throw MaildirSync.io("cannot " + what + " " + e.relativePath(), ex);
      }
    }
  }

  @Override
  public void raiseNextUid(long nextUid) {
    write(() -> {
      raiseNextUidLocked(nextUid);
      return null;
    });
  }

  @Override
  public Hold holdForMigration(Runnable waiting) {
    return MigrationLockFile.hold(dir, waiting, fsync);
  }

  @Override
  public void replaceUidValidityOfEmpty(long uidValidity) {
    if (uidValidity < 1 || uidValidity > Uids.MAX_UIDVALIDITY) {
      throw new StoreException(StoreError.UID_CONFLICT, "UIDVALIDITY out of range: " + uidValidity);
    }
    write(() -> {
      if (!sync.records().isEmpty() || !sync.unrecordedFiles().isEmpty()) {
        throw new StoreException(StoreError.UID_CONFLICT, name + " holds messages: its UIDVALIDITY "
            + sync.header().uidValidity() + " stays");
      }
      UidlistHeader h = sync.header();
      UidValidityFile.noteUsed(root, uidValidity, fsync);
      writeEmptyUidlist(new UidlistHeader(uidValidity, 1, h.guid() != null ? h.guid() : MaildirMailStore.newGuid(),
          h.extra()));
      return null;
    });
  }

  @Override
  public Map<String, String> dovetailState() {
    return DovetailStateFile.read(dir);
  }

  @Override
  public Path dovetailFile(String suffix) {
    if (!suffix.matches("[a-z][a-z-]*") || suffix.equals("state")) {
      throw new IllegalArgumentException("not a Dovetail side-file suffix: " + suffix);
    }
    return dir.resolve("dovetail-" + suffix);
  }

  @Override
  public dovetail.store.StoreFiles files() {
    return fsync;
  }

  @Override
  public void writeDovetailState(Map<String, String> state) {
    DovetailStateFile.update(dir, before -> state, fsync);
  }

  @Override
  public Map<String, String> updateDovetailState(UnaryOperator<Map<String, String>> change) {
    return DovetailStateFile.update(dir, change, fsync);
  }

  // ---- used by MaildirSave and MaildirMailStore, always with the write lock held ----

  /** Save commits through this object so far (under the write lock). */
  private long saveCommits;

  <T> T write(Supplier<T> action) {
    return lock.write(options.lockTimeout(), () -> {
      syncLocked();
      return action.get();
    });
  }

  /**
   * Like {@link #write}, for a save commit: the full sync (listing cur/ and new/) only when someone else
   * changed the uidlist since our last commit ({@link MaildirSync#refreshAfterOwnCommit}). The action is told whether
   * someone may have (true also when it cannot be known, e.g. for this folder object's first commit), and the number
   * of this commit among this folder object's save commits (so that a transaction sees another one's commits).
   */
  <T> T writeForSave(java.util.function.BiFunction<Boolean, Long, T> action) {
    return lock.write(options.lockTimeout(), () -> {
      boolean othersMayHaveWritten = !sync.refreshAfterOwnCommit();
      if (othersMayHaveWritten) {
        syncLocked();
      }
      T result = action.apply(othersMayHaveWritten, ++saveCommits);
      sync.noteOwnCommit();
      return result;
    });
  }

  /** Like {@link #write}, but leaves a missing uidlist missing (for giving INBOX its first UIDVALIDITY). */
  <T> T writeBeforeUidlist(Supplier<T> action) {
    return lock.write(options.lockTimeout(), () -> {
      sync.refresh(true);
      if (sync.header() != null) {
        syncLocked();
      }
      return action.get();
    });
  }

  MaildirSync sync() {
    return sync;
  }

  /** Runs {@code action} holding the folder's in-process mutex only: for reading what is in memory, no refresh. */
  <T> T underMutex(Supplier<T> action) {
    return lock.read(action);
  }

  /** Touches the dotlock in long loops so that nobody takes it as stale (Dovecot: every 10 s). */
  void keepLockFresh() {
    lock.keepFresh();
  }

  void raiseNextUidLocked(long nextUid) {
    if (nextUid > Uids.MAX_UID + 1) {
      throw new StoreException(StoreError.UID_CONFLICT, "next UID out of range: " + nextUid);
    }
    if (nextUid > sync.header().nextUid()) {
      rewriteUidlist(sync.header(), Math.max(nextUid, sync.effectiveNextUid()));
    }
  }

  /** Letters for system flags and keywords; gives new keywords letters (rewriting dovecot-keywords). */
  String letters(Flags flags) {
    StringBuilder letters = new StringBuilder();
    for (SystemFlag f : flags.system()) {
      letters.append(f.letter());
    }
    if (!flags.keywords().isEmpty()) {
      MaildirKeywords kw = sync.keywords();
      if (kw.assign(flags.keywords(), name)) {
        kw.write(dir, fsync);
      }
      letters.append(kw.lettersOrNull(flags.keywords()));
    }
    return letters.toString();
  }

  /**
   * Replaces the uidlist (temp file plus rename), keeping only records whose file exists, with the header's
   * N set to {@code nextUid} (never below a kept record).
   */
  void rewriteUidlist(UidlistHeader header, long nextUid) {
    List<UidlistRecord> keep = new ArrayList<>();
    long next = nextUid;
    for (UidlistRecord r : sync.records()) {
      if (sync.fileOf(r.baseName()) != null) {
        keep.add(r);
        next = Math.max(next, r.uid() + 1);
      }
    }
    // A version 1 (Courier-style) uidlist has no mailbox GUID; the version 3 we write needs one (Dovecot makes one too).
    UidlistHeader written = new UidlistHeader(header.uidValidity(), next,
        header.guid() != null ? header.guid() : MaildirMailStore.newGuid(), header.extra());
    byte[] lines = keep.size() == sync.records().size() ? sync.recordLines() : null;
    byte[] data = Uidlist.withHeader(written, lines != null ? lines : Uidlist.formatRecords(keep));
    fsync.replace(dir.resolve("dovecot-uidlist"), dir.resolve("dovecot-uidlist.tmp"), data);
    sync.noteOwnRewrite(written, keep, data);
    sync.refresh(false);
  }

  /** Appends records in one write (Dovecot's maildir_uidlist_sync_update); the header's N is left as it is. */
  void appendRecords(List<UidlistRecord> added) {
    if (!sync.isVersion3()) {
      // Under a version 1 header our lines would be read as version 1 ones (Dovecot then deletes the file as
      // broken): upgrade the file first, as Dovecot does on its next write.
      rewriteUidlist(sync.header(), sync.effectiveNextUid());
    }
    byte[] lines = Uidlist.formatRecords(added);
    fsync.append(dir.resolve("dovecot-uidlist"), lines);
    sync.noteOwnAppend(added, lines.length);
  }

  /** Reads the folder as the disk has it, settling nothing ({@link MaildirPeek}). */
  <T> T readAsIs(java.util.function.Function<MaildirSync, T> action) {
    return lock.read(() -> {
      sync.refresh(false);
      return action.apply(sync);
    });
  }

  private <T> T read(Supplier<T> action) {
    return lock.read(() -> {
      sync.refresh(false);
      if (sync.header() == null || !sync.unrecordedFiles().isEmpty() || !sync.recordsWithoutFiles().isEmpty()
          || sync.hasTrailingFragment()) {
        // Files without records (another writer mid-commit, or an MDA), or no uidlist yet: settle it
        // if the lock is free now; otherwise show what is recorded and let the writer finish.
        if (!lock.tryWrite(this::syncLocked) && sync.header() == null) {
          // Nothing recorded to show: the holder is most likely making the uidlist now (two backups of a new user at
          // once; review 21, F6). Waited for as a writer waits, then read; failing made that backup exit 2.
          lock.write(options.lockTimeout(), () -> {
            syncLocked();
            return null;
          });
        }
      }
      return action.get();
    });
  }

  /**
   * With the write lock held: read everything, undo a commit that a crash cut between writing the uidlist
   * and moving its files into cur/, create a missing uidlist, and give UIDs to files without records.
   */
  private void syncLocked() {
    sync.refresh(false);
    if (!sync.recordsWithoutFiles().isEmpty() || !sync.unrecordedFiles().isEmpty()) {
      sync.refresh(true); // list the directories before acting on what seems to be missing
    }
    if (sync.hasTrailingFragment()) {
      Set<String> inTmp = tmpNames();
      sync.adoptTrailingFragment(base -> inTmp.contains(MaildirSave.tmpNameOf(base)));
    }
    // Before any other rewrite: one that ran first would drop an interrupted commit's records (their files are
    // not in cur/) and keep N above them, and that commit's UIDs would be used for good.
    settleRecordsWithoutFiles();
    if (sync.hasTrailingFragment()) {
      // Appending after a line without LF would glue two records together: rewrite instead.
      rewriteUidlist(sync.header(), sync.effectiveNextUid());
    }
    if (sync.header() == null) {
      createUidlist();
    }
    List<String> unrecorded = sync.unrecordedFiles();
    if (!unrecorded.isEmpty()) {
      assignUids(unrecorded);
    }
    removeTmpLeftovers();
  }

  /**
   * After the records are settled (a tmp/ file a record names is an interrupted commit's, undone above): what a writer
   * that died left in tmp/ goes now, not 36 hours later ({@link TmpLeftovers}). Only when tmp/ changed since the last
   * look: one stat per write otherwise.
   */
  private void removeTmpLeftovers() {
    Object mtime;
    try {
      mtime = Files.getLastModifiedTime(dir.resolve("tmp"));
    } catch (IOException e) {
      return; // no tmp/: nothing left there
    }
    if (mtime.equals(tmpSeen)) {
      return;
    }
    tmpSeen = mtime;
    TmpLeftovers.remove(dir, System.currentTimeMillis() - TmpLeftovers.ABANDONED_AFTER.toMillis());
  }

  /**
   * Records whose file is in neither cur/ nor new/. If tmp/ still holds the file, a crash cut a commit
   * between writing the uidlist and moving its files into cur/: that commit never returned, so it is undone
   * and its UIDs are not burnt (a resumed migration stores the same messages under the same UIDs). Any
   * other such record is a message expunged by a writer that did not rewrite the uidlist: dropped, with
   * NEXTUID kept above it, as Dovecot does.
   */
  private void settleRecordsWithoutFiles() {
    List<UidlistRecord> missing = sync.recordsWithoutFiles();
    if (missing.isEmpty()) {
      return;
    }
    Set<String> tmpNames = tmpNames();
    Set<UidlistRecord> undo = new HashSet<>();
    for (UidlistRecord r : missing) {
      if (tmpNames.contains(MaildirSave.tmpNameOf(r.baseName()))) {
        undo.add(r);
      }
    }
    long next = sync.header().nextUid();
    for (UidlistRecord r : sync.records()) {
      if (!undo.contains(r)) {
        next = Math.max(next, r.uid() + 1);
      }
    }
    for (UidlistRecord r : undo) {
      try {
        Files.deleteIfExists(dir.resolve("tmp").resolve(MaildirSave.tmpNameOf(r.baseName())));
      } catch (IOException e) {
        throw MaildirSync.io("cannot delete the temporary file of UID " + r.uid(), e);
      }
      LOG.warn("{}: undid UID {} of a commit interrupted before its file reached cur/", dir, r.uid());
    }
    try {
      rewriteUidlist(sync.header(), next);
    } catch (StoreException e) {
      if (!undo.isEmpty()) {
        throw e;
      }
      // Only expunged messages' records to drop (those of messages moved out leave after every MOVE), which every
      // reader already takes as expunged: a full disk keeps them a while, and must not stop this folder's reads and
      // writes (an EXPUNGE on a full disk is how room is made).
      LOG.warn("{}: cannot drop the records of {} expunged message(s) yet: {}", dir, missing.size(), e.getMessage());
    }
  }

  /** The names of the files in tmp/ (none when there is no tmp/). */
  private Set<String> tmpNames() {
    Set<String> names = new HashSet<>();
    try (var entries = Files.newDirectoryStream(dir.resolve("tmp"))) {
      for (Path p : entries) {
        names.add(p.getFileName().toString());
      }
    } catch (NoSuchFileException e) {
      // no tmp/: nothing to undo
    } catch (IOException e) {
      throw MaildirSync.io("cannot list " + dir.resolve("tmp"), e);
    }
    return names;
  }

  private void createUidlist() {
    long uidValidity = UidValidityFile.allocate(root, fsync);
    LOG.info("{}: no dovecot-uidlist; creating one with UIDVALIDITY {}", dir, uidValidity);
    writeEmptyUidlist(new UidlistHeader(uidValidity, 1, MaildirMailStore.newGuid(), List.of()));
  }

  /** Replaces the uidlist with one that holds no record, under {@code header}, and reads the folder from it anew. */
  void writeEmptyUidlist(UidlistHeader header) {
    fsync.replace(dir.resolve("dovecot-uidlist"), dir.resolve("dovecot-uidlist.tmp"), Uidlist.format(header, List.of()));
    sync.invalidateUidlist();
    sync.refresh(true);
  }

  /** Dovecot's rule for files found without a record: new UIDs, in maildir_filename_sort_cmp order. */
  private void assignUids(List<String> relativePaths) {
    TreeSet<String> bases = new TreeSet<>(MaildirFilename.DOVECOT_SORT_ORDER);
    for (String rel : relativePaths) {
      if (Files.isRegularFile(dir.resolve(rel), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        bases.add(MaildirFilename.baseName(rel.substring(4)));
      }
    }
    if (bases.isEmpty()) {
      return;
    }
    long next = sync.effectiveNextUid();
    List<UidlistRecord> added = new ArrayList<>();
    for (String base : bases) {
      added.add(new UidlistRecord(next++, Map.of(), base));
    }
    LOG.info("{}: {} file(s) without a uidlist record got UIDs {}..{}", dir, added.size(), added.get(0).uid(), next - 1);
    appendRecords(added);
    sync.refresh(true);
  }
}
