package dovetail.proxy.handover;

import dovetail.proxy.mailbox.ModSeqCeiling;
import dovetail.store.MailStore;
import dovetail.store.MailboxPeek;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Per folder of a user's store, the HIGHESTMODSEQ stock Dovecot must start above when it takes the store over: the
 * highest any client can have cached from Dovetail or the legacy server ({@link ModSeqCeiling}). Read with
 * {@link MailStore#peek}, so nothing is written.
 */
public final class ModSeqFloors {
  /**
   * A fresh Dovecot index starts at HIGHESTMODSEQ 1 and every change goes above it, so a folder that never showed
   * more needs no floor.
   */
  static final long DOVECOT_START = 1;

  /**
   * @param maildir the user's Maildir root, as Dovecot's mail_location must name it
   * @param directory the folder's directory, where Dovecot keeps its dovecot.index* files
   * @param dovecotName the folder's name as doveadm takes it: UTF-8, levels joined with Dovecot's separator
   * @param modSeq the floor: Dovecot's HIGHESTMODSEQ must end up above it
   */
  public record Floor(String user, Path maildir, Path directory, String dovecotName, long modSeq) {}

  private ModSeqFloors() {}

  /** The user's folders that need a floor, INBOX first, then in name order. */
  public static List<Floor> of(String user, MailStore store, char separator) {
    List<Floor> floors = new ArrayList<>();
    for (String folder : store.listFolders()) {
      Optional<MailboxPeek> peek = store.peek(folder);
      long modSeq = peek.map(p -> ModSeqCeiling.of(p.dovetailState())).orElse(0L);
      if (modSeq > DOVECOT_START) {
        floors.add(new Floor(user, store.root(), peek.get().directory(), dovecotName(folder, separator), modSeq));
      }
    }
    return floors;
  }

  /**
   * Whether the store holds mail but no folder has a {@code dovetail-state}: the files look removed (the runbook
   * removes them only after handover), and what Dovetail showed can no longer be known.
   */
  public static boolean stateRemoved(MailStore store) {
    boolean mail = false;
    for (String folder : store.listFolders()) {
      Optional<MailboxPeek> peek = store.peek(folder);
      if (peek.isPresent() && !peek.get().dovetailState().isEmpty()) {
        return false;
      }
      mail |= peek.isPresent() && !peek.get().messages().isEmpty();
    }
    return mail;
  }

  static String dovecotName(String folder, char separator) {
    if (separator != MailStore.SEPARATOR && folder.indexOf(separator) >= 0) {
      // A level holding the separator would name another folder in Dovecot.
      throw new IllegalArgumentException("folder " + folder + " holds Dovecot's separator '" + separator + "'");
    }
    return folder.replace(MailStore.SEPARATOR, separator);
  }
}
