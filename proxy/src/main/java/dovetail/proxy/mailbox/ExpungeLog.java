package dovetail.proxy.mailbox;

import dovetail.store.Mailbox;
import dovetail.store.RecordFile;
import dovetail.store.UidSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which UIDs of a folder were expunged at which mod-sequence, so that QRESYNC (RFC 7162) can answer
 * "VANISHED (EARLIER)" with what vanished since a client's mod-sequence, not with every UID ever expunged.
 * Kept in {@code dovetail-expunged} beside dovetail-state (Dovecot ignores both).
 *
 * <p>File: a header line {@code dovetail-expunged 1 <uidvalidity>}, then one line per expunge,
 * {@code <modseq> <uid-set>}, appended as expunges happen. Only complete lines count, so a crash in the middle of
 * an append loses at most that entry; {@link FolderState} then finds the UID missing when it next loads the folder
 * and records it at that load's mod-sequence, which reports it to more clients, never to fewer. A file for another
 * UIDVALIDITY is discarded. When it grows long, the oldest entries are merged into one at their highest
 * mod-sequence (again reporting more, never less) and the file is replaced by temp file plus rename.
 */
final class ExpungeLog {
  private static final Logger LOG = LoggerFactory.getLogger(ExpungeLog.class);
  static final String SUFFIX = "expunged";
  private static final String MAGIC = "dovetail-expunged 1 ";
  /** Entries kept one by one; beyond this, the older half is merged. */
  static final int MAX_ENTRIES = 1000;

  private record Entry(long modSeq, UidSet uids) {}

  private final List<Entry> entries = new ArrayList<>();
  private UidSet all = new UidSet();
  private long uidValidity;
  /** Whether the file on disk holds this record's header, so that lines may be appended to it. */
  private boolean fileCurrent;

  /** Reads the folder's record; a missing, unreadable or foreign one starts empty. */
  void load(Mailbox folder, long uidValidity) {
    this.uidValidity = uidValidity;
    entries.clear();
    all = new UidSet();
    fileCurrent = false;
    Path file = folder.dovetailFile(SUFFIX);
    Optional<List<String>> lines = RecordFile.read(file, MAGIC + uidValidity);
    if (lines.isEmpty()) {
      return;
    }
    fileCurrent = true;
    for (int i = 0; i < lines.get().size(); i++) {
      String line = lines.get().get(i);
      int space = line.indexOf(' ');
      try {
        add(Long.parseLong(line.substring(0, Math.max(space, 0))), UidSet.parse(line.substring(space + 1)));
      } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
        LOG.warn("{}: ignoring a damaged line {}", file, i + 2);
      }
    }
  }

  private void add(long modSeq, UidSet uids) {
    entries.add(new Entry(modSeq, uids));
    all.addAll(uids);
  }

  /** Every UID on record. */
  /** The UIDVALIDITY the record is for. */
  long uidValidity() {
    return uidValidity;
  }

  UidSet all() {
    return all;
  }

  /** The UIDs expunged at a mod-sequence above {@code modSeq}. */
  UidSet since(long modSeq) {
    UidSet out = new UidSet();
    for (Entry e : entries) {
      if (e.modSeq() > modSeq) {
        out.addAll(e.uids());
      }
    }
    return out;
  }

  /** Records an expunge and appends it to the file; a failed write is logged (see the class comment). */
  void record(Mailbox folder, long modSeq, UidSet uids) {
    if (uids.isEmpty()) {
      return;
    }
    add(modSeq, uids);
    Path file = folder.dovetailFile(SUFFIX);
    try {
      if (entries.size() > MAX_ENTRIES || !fileCurrent || !Files.exists(file)) {
        compactAndRewrite(folder, file);
        fileCurrent = true;
      } else {
        RecordFile.append(file, modSeq + " " + uids, true);
      }
    } catch (IOException | dovetail.store.StoreException e) {
      LOG.warn("cannot write {}: {}; UIDs expunged now are reported to every QRESYNC client after a restart",
          file, e.toString());
    }
  }

  private void compactAndRewrite(Mailbox folder, Path file) {
    if (entries.size() > MAX_ENTRIES) {
      int merge = entries.size() / 2;
      UidSet merged = new UidSet();
      long highest = 0;
      for (Entry e : entries.subList(0, merge)) {
        merged.addAll(e.uids());
        highest = Math.max(highest, e.modSeq());
      }
      entries.subList(0, merge).clear();
      entries.add(0, new Entry(highest, merged));
    }
    StringBuilder text = new StringBuilder(MAGIC).append(uidValidity).append('\n');
    for (Entry e : entries) {
      text.append(e.modSeq()).append(' ').append(e.uids()).append('\n');
    }
    // Through the store: temp file plus rename, owned like the Maildir (Dovetail may run as root).
    folder.files().replace(file, text.toString().getBytes(StandardCharsets.US_ASCII));
  }

  int entryCount() {
    return entries.size();
  }
}
