package dovetail.proxy.pop3;

import dovetail.proxy.mailbox.CrlfInputStream;
import dovetail.store.Mailbox;
import dovetail.store.StoreException;
import dovetail.store.StoredMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A user's INBOX as James's POP3 handlers see it (the "custom mailbox adapter" of DESIGN.md): the listing in
 * POP3 order with the stored UIDLs, message bytes streamed from disk as IMAP serves them (every bare LF as CRLF,
 * so RETR equals BODY[] and LIST equals RFC822.SIZE), and DELE's expunge at QUIT.
 */
final class Maildrop implements org.apache.james.protocols.pop3.mailbox.Mailbox {
  private final Mailbox inbox;
  private final UidlFormat uidlFormat;
  /** Taken once, at login: message numbers stay fixed for the session (RFC 1939 section 5), as in Dovecot. */
  private List<org.apache.james.protocols.pop3.mailbox.MessageMetaData> listing;

  Maildrop(Mailbox inbox, UidlFormat uidlFormat) {
    this.inbox = inbox;
    this.uidlFormat = uidlFormat;
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
        out.add(new DropEntry(m.uid(), uidl(uidValidity, m), m.virtualSize()));
      }
      listing = List.copyOf(out);
      return listing;
    } catch (StoreException e) {
      throw new IOException("INBOX cannot be listed: " + e.error(), e);
    }
  }

  /** The stored P (its base filename when P is empty, as Dovecot's maildir does), else pop3_uidl_format. */
  private String uidl(long uidValidity, StoredMessage m) {
    String stored = m.effectivePop3Uidl();
    return stored != null ? stored : uidlFormat.expand(uidValidity, m);
  }

  @Override
  public InputStream getMessage(String uid) throws IOException {
    try {
      return new CrlfInputStream(inbox.openContent(Long.parseLong(uid)));
    } catch (StoreException e) {
      throw new IOException("message " + uid + " cannot be read: " + e.error(), e);
    }
  }

  @Override
  public void remove(String... uids) throws IOException {
    List<Long> expunge = new ArrayList<>();
    for (String uid : uids) {
      expunge.add(Long.parseLong(uid));
    }
    if (expunge.isEmpty()) {
      return;
    }
    try {
      inbox.expunge(expunge);
    } catch (StoreException e) {
      throw new IOException("expunge failed: " + e.error(), e);
    }
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
