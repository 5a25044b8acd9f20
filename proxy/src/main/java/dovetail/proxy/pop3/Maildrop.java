package dovetail.proxy.pop3;

import dovetail.conf.Pop3Settings;
import dovetail.proxy.mailbox.CrlfInputStream;
import dovetail.store.Flags;
import dovetail.store.Mailbox;
import dovetail.store.StoreException;
import dovetail.store.StoredMessage;
import dovetail.store.SystemFlag;
import dovetail.store.UidSet;
import dovetail.store.UidlFormat;
import dovetail.store.UserChanges;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A user's INBOX as James's POP3 handlers see it (the "custom mailbox adapter" of DESIGN.md): the listing in
 * POP3 order with the stored UIDLs, message bytes streamed from disk as IMAP serves them (every bare LF as CRLF,
 * so RETR equals BODY[] and LIST equals RFC822.SIZE), and the UPDATE state at QUIT: DELE's expunge, and \Seen
 * on every message RETR sent (not TOP), as Dovecot's pop3 does unless pop3_no_flag_updates (pop3-commands.c
 * client_update_mails), so that IMAP shows POP3-downloaded mail as read; a session that ends without QUIT keeps
 * that \Seen, and only that (Dovecot's client_destroy). With pop3_deleted_flag, DELE sets that
 * keyword instead of expunging, and messages that have it are not listed: POP3 users delete, IMAP keeps, as in
 * Dovecot (and a legacy Dovecot's hidden messages stay hidden after their migration).
 */
final class Maildrop implements org.apache.james.protocols.pop3.mailbox.Mailbox {
  private final Mailbox inbox;
  private final UidlFormat uidlFormat;
  /** pop3_deleted_flag, or empty. */
  private final String deletedFlag;
  /** pop3_no_flag_updates. */
  private final boolean noFlagUpdates;
  /** Taken once, at login: message numbers stay fixed for the session (RFC 1939 section 5), as in Dovecot. */
  private List<org.apache.james.protocols.pop3.mailbox.MessageMetaData> listing;
  private final Set<Long> retrieved = new LinkedHashSet<>();
  /** What this session changed, for verify ({@link UserChanges}); read on the first change. */
  private UserChanges clientChanges;

  Maildrop(Mailbox inbox, UidlFormat uidlFormat, Pop3Settings changes) {
    this.inbox = inbox;
    this.uidlFormat = uidlFormat;
    this.deletedFlag = changes.deletedFlag();
    this.noFlagUpdates = changes.noFlagUpdates();
  }

  @Override
  public synchronized List<org.apache.james.protocols.pop3.mailbox.MessageMetaData> getMessages()
      throws IOException {
    if (listing != null) {
      return listing;
    }
    try {
      long uidValidity = inbox.status().uidValidity();
      List<org.apache.james.protocols.pop3.mailbox.MessageMetaData> out = new ArrayList<>();
      for (StoredMessage m : DropOrder.sort(inbox.messages())) {
        if (hidden(m.flags())) {
          continue;
        }
        out.add(new DropEntry(m.uid(), uidlFormat.uidl(uidValidity, m), m.virtualSize()));
      }
      listing = List.copyOf(out);
      return listing;
    } catch (StoreException e) {
      throw new IOException("INBOX cannot be listed: " + e.error(), e);
    }
  }

  @Override
  public InputStream getMessage(String uid) throws IOException {
    try {
      return new CrlfInputStream(inbox.openContent(Long.parseLong(uid)));
    } catch (StoreException e) {
      throw new IOException("message " + uid + " cannot be read: " + e.error(), e);
    }
  }

  /** RETR sent this message: it becomes \Seen at QUIT, or when the session ends without one. */
  synchronized void retrieved(long uid) {
    if (!noFlagUpdates) {
      retrieved.add(uid);
    }
  }

  /** RSET: nothing was retrieved after all. */
  synchronized void forgetRetrieved() {
    retrieved.clear();
  }

  /** James calls this only at QUIT in the TRANSACTION state (RFC 1939 UPDATE state). */
  @Override
  public synchronized void remove(String... uids) throws IOException {
    List<Long> expunge = new ArrayList<>();
    for (String uid : uids) {
      expunge.add(Long.parseLong(uid));
    }
    try {
      if (!deletedFlag.isEmpty()) {
        change(expunge, now -> hidden(now) ? now : now.withKeywords(deletedFlag));
      } else if (!expunge.isEmpty()) {
        inbox.expunge(expunge);
        clientChanges().recordExpunged(inbox, UidSet.of(expunge));
      }
      retrieved.removeAll(expunge);
      saveSeen();
    } catch (StoreException e) {
      throw new IOException("QUIT's update failed: " + e.error(), e);
    }
  }

  /** Marks what RETR sent \Seen, once: at QUIT, or when the connection ends without QUIT (nothing else is saved then). */
  synchronized void saveSeen() {
    change(retrieved, now -> now.with(SystemFlag.SEEN));
    retrieved.clear();
  }

  /** IMAP keywords compare without case (RFC 3501 §2.3.2). */
  private boolean hidden(Flags flags) {
    return !deletedFlag.isEmpty() && flags.keywords().stream().anyMatch(deletedFlag::equalsIgnoreCase);
  }

  /**
   * Changes these messages' flags under one hold of the lock, and records the changes for verify (IMAP sessions find
   * them when they next look at the folder).
   */
  private void change(Collection<Long> uids, UnaryOperator<Flags> change) {
    List<Long> changed = new ArrayList<>();
    try {
      inbox.changeFlags(uids, change, c -> {
        if (c.changed()) {
          changed.add(c.after().uid());
        }
      });
    } finally {
      if (!changed.isEmpty()) {
        clientChanges().recordFlags(inbox, UidSet.of(changed));
      }
    }
  }

  private UserChanges clientChanges() {
    if (clientChanges == null) {
      clientChanges = UserChanges.load(inbox);
    }
    return clientChanges;
  }

  @Override
  public String getIdentifier() throws IOException {
    return inbox.name();
  }

  @Override
  public void close() {
    // The store's folder objects hold no per-session resources.
  }
}
