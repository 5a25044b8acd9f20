package dovetail.store.maildir;

import dovetail.store.Flags;
import dovetail.store.Mailbox;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import dovetail.store.StoreError;
import dovetail.store.StoreException;
import dovetail.store.StoredMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Saving messages (maildir-save.c). Each message streams into tmp/ at once, gets its mtime (INTERNALDATE)
 * there, and is named {@code <base>} in tmp/ and {@code <base>,S=<size>,W=<vsize>:2,<flags>} in cur/.
 * Commit, with the uidlist lock held: (1) UIDs are checked or assigned, (2) the records are appended to
 * dovecot-uidlist in one write, (3) the files move from tmp/ to cur/, (4) NEXTUID is raised if asked.
 * A crash between (2) and (3) is undone by the next writer (MaildirFolder#settleRecordsWithoutFiles).
 *
 * <p>A message moved in from another folder ({@link #addMoved}) takes the same steps, but its file is renamed from the
 * source's cur/ (or new/) at (3) instead of from tmp/: a crash before leaves a record without a file here (dropped as
 * an expunge, the message still in the source), a crash after leaves the source's record without a file (read as
 * expunged there by Dovetail and Dovecot alike). Never in both folders, never in neither.
 */
final class MaildirSave implements MailboxTransaction {
  private final MaildirFolder folder;
  private final SaveDirectories dirs;
  private final List<Pending> pending = new ArrayList<>();
  private long raiseNextUid;
  private long lastExplicitUid;
  private boolean closed;
  /** What the last commit learnt: see {@link #othersMayHaveWritten()}. */
  private boolean othersMayHaveWritten = true;
  /** The folder object's number of this transaction's last commit; 0 before its first. */
  private long lastCommitNumber;

  /** Copy buffer, one per transaction (a transaction is used by one thread). */
  private byte[] buffer;

  /** @param moved the file of a message moved in from another folder, or null for a new file in tmp/ */
  private record Pending(MessageMeta meta, String tmpName, String baseName, Instant date, MovedFile moved) {}

  MaildirSave(MaildirFolder folder) {
    this.folder = folder;
    this.dirs = new SaveDirectories(folder.directory(), folder.fsync());
  }

  /** The tmp/ name of a base name that we wrote: the base without its ",S=…,W=…" sizes. */
  static String tmpNameOf(String baseName) {
    int comma = baseName.indexOf(',');
    return comma < 0 ? baseName : baseName.substring(0, comma);
  }

  @Override
  public void add(MessageMeta meta, InputStream content) {
    checkOpen();
    if (meta.uid() != 0 && meta.uid() <= lastExplicitUid) {
      throw new StoreException(StoreError.UID_CONFLICT, "explicit UIDs must increase within a transaction: "
          + meta.uid() + " after " + lastExplicitUid);
    }
    String base = freshBase();
    SizeCounter sizes = writeTmp(base, content);
    Instant date = meta.internalDate().truncatedTo(ChronoUnit.SECONDS);
    setDate(base, date);
    pending.add(new Pending(meta, base, MaildirFilename.withSizes(base, sizes.size(), sizes.virtualSize()), date, null));
    if (meta.uid() != 0) {
      lastExplicitUid = meta.uid(); // only once the message is written: a failed add can be retried
    }
  }

  private static String freshBase() {
    return MaildirFilename.newBase(Instant.now().toEpochMilli() * 1000 + System.nanoTime() / 1000 % 1000);
  }

  /**
   * Message {@code uid} of {@code source}, to be moved here at commit (IMAP MOVE): its file is renamed, under a fresh
   * base name (a name this folder may already record cannot collide) that keeps its sizes, with this folder's letters
   * for {@code flags}. Within one folder too: the file takes its new name and UID, and the old UID's record is left
   * without a file. Where a rename cannot serve (a source that is not a Maildir folder of this kind), the bytes are
   * copied as {@link #add} does, and the caller's expunge of the source removes the original.
   */
  @Override
  public void addMoved(Mailbox source, long uid, Flags flags) {
    checkOpen();
    if (!(source instanceof MaildirFolder from)) {
      StoredMessage m = source.message(uid).orElseThrow(() -> gone(source, uid));
      try (InputStream content = source.openContent(uid)) {
        add(MessageMeta.next(m.internalDate(), flags), content);
      } catch (IOException e) {
        throw MaildirSync.io("cannot read UID " + uid + " of " + source.name(), e);
      } catch (StoreException e) {
        throw e.error() == StoreError.NOT_FOUND ? gone(source, uid) : e;
      }
      return;
    }
    MaildirSync.Entry e = from.entry(uid).orElseThrow(() -> gone(source, uid));
    StoredMessage m = e.message();
    String base = MaildirFilename.withSizes(freshBase(), m.size(), m.virtualSize());
    pending.add(new Pending(MessageMeta.next(m.internalDate(), flags), tmpNameOf(base), base, m.internalDate(),
        new MovedFile(from.directory(), e.record().baseName(), e.relativePath())));
  }

  private static StoreException gone(Mailbox source, long uid) {
    return new StoreException(StoreError.EXPUNGED, "UID " + uid + " of " + source.name() + " is gone (expunged by "
        + "another writer); nothing was moved");
  }

  /** Streams {@code content} into tmp/{@code base}; its sizes. */
  private SizeCounter writeTmp(String base, InputStream content) {
    SizeCounter sizes = new SizeCounter();
    try (FileChannel out = dirs.create(base)) {
      if (content instanceof ByteArrayInputStream whole) {
        // A body already in memory goes out of its own array in one write, not through the copy buffer.
        whole.transferTo(new CountingChannelOutput(sizes, out));
      } else {
        byte[] buf = buffer();
        int n;
        while ((n = content.read(buf)) > 0) {
          sizes.update(buf, 0, n);
          writeFully(out, buf, 0, n);
        }
      }
      if (folder.fsync().files()) {
        out.force(false);
      }
    } catch (IOException e) {
      dirs.deleteQuietly(base);
      throw MaildirSync.io("cannot write message to " + dirs.tmpPath(base), e);
    } catch (RuntimeException e) {
      dirs.deleteQuietly(base);
      throw e;
    }
    return sizes;
  }

  private void setDate(String base, Instant date) {
    try {
      // INTERNALDATE is the mtime, whole seconds, set before Dovecot can first see the file. The atime is
      // now, as Dovecot's utime() sets it; giving both saves reading the old atime first.
      dirs.setTimes(base, FileTime.from(date), FileTime.from(Instant.now()));
    } catch (IOException e) {
      dirs.deleteQuietly(base);
      throw MaildirSync.io("cannot set the date of " + dirs.tmpPath(base), e);
    }
  }

  private static void writeFully(FileChannel out, byte[] data, int offset, int length) throws IOException {
    ByteBuffer bb = ByteBuffer.wrap(data, offset, length);
    while (bb.hasRemaining()) {
      out.write(bb);
    }
  }

  /** Counts the sizes of what passes and writes it to the file. */
  private static final class CountingChannelOutput extends OutputStream {
    private final SizeCounter sizes;
    private final FileChannel out;

    CountingChannelOutput(SizeCounter sizes, FileChannel out) {
      this.sizes = sizes;
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] data, int offset, int length) throws IOException {
      sizes.update(data, offset, length);
      writeFully(out, data, offset, length);
    }
  }

  private byte[] buffer() {
    if (buffer == null) {
      buffer = new byte[65536];
    }
    return buffer;
  }

  @Override
  public void raiseNextUid(long nextUid) {
    checkOpen();
    raiseNextUid = Math.max(raiseNextUid, nextUid);
  }

  @Override
  public boolean othersMayHaveWritten() {
    return othersMayHaveWritten;
  }

  @Override
  public int pending() {
    return pending.size();
  }

  @Override
  public List<StoredMessage> commit() {
    checkOpen();
    List<StoredMessage> stored = folder.writeForSave((othersWrote, commitNumber) -> {
      // Another transaction of this folder object committed in between: a writer too, though not another process.
      this.othersMayHaveWritten = othersWrote || commitNumber != lastCommitNumber + 1 || lastCommitNumber == 0;
      lastCommitNumber = commitNumber;
      MaildirSync sync = folder.sync();
      List<UidlistRecord> records = new ArrayList<>(pending.size());
      String[] finalNames = new String[pending.size()];
      long next = sync.effectiveNextUid();
      // Keyword letters first: a KEYWORD_LIMIT failure must happen before anything is written.
      TreeSet<String> allKeywords = new TreeSet<>();
      for (Pending p : pending) {
        allKeywords.addAll(p.meta().flags().keywords());
      }
      if (!allKeywords.isEmpty()) {
        folder.letters(Flags.NONE.withKeywords(allKeywords.toArray(String[]::new)));
      }
      for (Pending p : pending) {
        long uid = p.meta().uid() == 0 ? next : p.meta().uid();
        if (uid < next) {
          throw new StoreException(StoreError.UID_CONFLICT, "UID " + uid + " is below the next UID " + next + " of "
              + folder.name() + "; UIDs are never reused or mixed");
        }
        if (uid > dovetail.store.Uids.MAX_UID) {
          throw new StoreException(StoreError.UID_CONFLICT, "UID out of range: " + uid);
        }
        next = uid + 1;
        finalNames[records.size()] = MaildirFilename.withFlags(p.baseName(), folder.letters(p.meta().flags()));
        records.add(new UidlistRecord(uid, extensions(p.meta()), p.baseName()));
      }
      if (!records.isEmpty()) {
        folder.appendRecords(records);
        long curMtimeBefore = sync.curMtime();
        Map<String, String> added = new HashMap<>();
        Set<Path> movedOutOf = new HashSet<>();
        for (int i = 0; i < records.size(); i++) {
          added.put(records.get(i).baseName(), "cur/" + finalNames[i]);
          sync.noteOwnDate(records.get(i).baseName(), pending.get(i).date());
          folder.keepLockFresh();
          Pending p = pending.get(i);
          try {
            if (p.moved() == null) {
              dirs.moveToCur(p.tmpName(), finalNames[i]);
            } else if (!moveIn(p, finalNames[i], movedOutOf)) {
              undo(i, finalNames);
              throw gone(p.moved());
            }
          } catch (IOException e) {
            throw MaildirSync.io("cannot move a saved message into cur/", e);
          }
        }
        if (folder.fsync().files()) {
          folder.fsync().directory(dirs.curDir());
          movedOutOf.forEach(folder.fsync()::directory); // else a power cut could bring a moved file back there
        }
        sync.noteOwnRenames(leftThisFolder(), added, curMtimeBefore);
      }
      if (raiseNextUid > 0) {
        folder.raiseNextUidLocked(raiseNextUid);
      }
      return new Committed(folder, records, finalNames);
    });
    pending.clear();
    raiseNextUid = 0;
    dirs.close(); // reopened by the next add: a transaction left open between commits holds no directory handles
    return stored;
  }

  /** The files that MOVEs within this folder renamed away: base name to where each was. */
  private Map<String, String> leftThisFolder() {
    Map<String, String> left = new HashMap<>();
    for (Pending p : pending) {
      if (p.moved() != null && p.moved().isIn(folder.directory())) {
        left.put(p.moved().baseName(), p.moved().relativePath());
      }
    }
    return left;
  }

  /**
   * Brings a moved message's file into cur/ as {@code finalName}: renamed, or copied where it cannot be (another file
   * system); false when the source has it no more. Adds the source directory it left to {@code movedOutOf}.
   */
  private boolean moveIn(Pending p, String finalName, Set<Path> movedOutOf) throws IOException {
    switch (p.moved().moveTo(dirs.curDir().resolve(finalName), folder.fsync())) {
      case MOVED -> movedOutOf.add(p.moved().path().getParent());
      case ACROSS_FILE_SYSTEMS -> {
        // Another file system: copy and let the source's expunge remove the original (a crash in between leaves the
        // message in both folders, as copy+expunge did; a rename cannot cross file systems).
        try (InputStream content = Files.newInputStream(p.moved().path())) {
          writeTmp(p.tmpName(), content);
        }
        setDate(p.tmpName(), p.date());
        dirs.moveToCur(p.tmpName(), finalName);
      }
      case GONE -> {
        return false;
      }
    }
    return true;
  }

  /**
   * A moved message's file is gone (another writer expunged it): the commit is undone, as Dovecot refuses such a MOVE
   * whole. The files of messages {@code 0..upTo-1} go back where they came from (moved ones to their source, saved
   * ones to tmp/), and the uidlist drops this commit's records; their UIDs stay used (NEXTUID is kept above them).
   */
  private void undo(int upTo, String[] finalNames) throws IOException {
    for (int j = 0; j < upTo; j++) {
      Pending p = pending.get(j);
      Path in = dirs.curDir().resolve(finalNames[j]);
      if (p.moved() == null) {
        folder.fsync().move(in, dirs.tmpPath(p.tmpName()));
      } else {
        p.moved().undo(in, folder.fsync());
      }
    }
    MaildirSync sync = folder.sync();
    sync.refresh(true);
    folder.rewriteUidlist(sync.header(), sync.effectiveNextUid());
  }

  private static StoreException gone(MovedFile file) {
    return new StoreException(StoreError.EXPUNGED, file.path() + " is gone (expunged by another writer); nothing was "
        + "moved");
  }

  /**
   * The messages of one commit, made when first read, under the folder's mutex: a migration commits thousands of
   * times and reads none of them, an APPEND reads its one at once.
   */
  private static final class Committed extends AbstractList<StoredMessage> {
    private final MaildirFolder folder;
    private final List<UidlistRecord> records;
    private final String[] finalNames;
    private List<StoredMessage> messages;

    Committed(MaildirFolder folder, List<UidlistRecord> records, String[] finalNames) {
      this.folder = folder;
      this.records = records;
      this.finalNames = finalNames;
    }

    @Override
    public StoredMessage get(int index) {
      return messages().get(index);
    }

    @Override
    public int size() {
      return records.size();
    }

    private synchronized List<StoredMessage> messages() {
      if (messages == null) {
        messages = folder.underMutex(() -> {
          List<StoredMessage> out = new ArrayList<>(records.size());
          for (int i = 0; i < records.size(); i++) {
            UidlistRecord r = records.get(i);
            StoredMessage m = folder.sync().toMessage(r, "cur/" + finalNames[i]);
            if (m == null) {
              throw new StoreException(StoreError.IO, "UID " + r.uid() + " vanished right after its commit in "
                  + folder.name());
            }
            out.add(m);
          }
          return List.copyOf(out);
        });
      }
      return messages;
    }
  }

  private static Map<Character, String> extensions(MessageMeta meta) {
    if (meta.pop3Uidl() == null && meta.pop3Order() <= 0) {
      return Map.of();
    }
    Map<Character, String> ext = new HashMap<>();
    if (meta.pop3Uidl() != null) {
      ext.put('P', meta.pop3Uidl());
    }
    if (meta.pop3Order() > 0) {
      ext.put('O', Long.toString(meta.pop3Order()));
    }
    return ext;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Pending p : pending) {
      dirs.deleteQuietly(p.tmpName());
    }
    pending.clear();
    dirs.close();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("transaction is closed");
    }
  }
}
