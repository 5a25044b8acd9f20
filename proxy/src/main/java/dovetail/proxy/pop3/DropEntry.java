package dovetail.proxy.pop3;

import org.apache.james.protocols.pop3.mailbox.MessageMetaData;

/**
 * One message of a maildrop for James's POP3 handlers. James keys RETR, DELE and its deleted list by
 * {@link #getUid()}; that is the store UID here, unique by construction, so two messages with the same legacy
 * UIDL can never be confused. The UIDL the client sees comes from {@link #getUid(String)}, which only James's
 * UIDL command calls.
 */
final class DropEntry extends MessageMetaData {
  private final long storeUid;
  private final String uidl;

  DropEntry(long storeUid, String uidl, long size) {
    super(Long.toString(storeUid), size);
    this.storeUid = storeUid;
    this.uidl = uidl;
  }

  long storeUid() {
    return storeUid;
  }

  String uidl() {
    return uidl;
  }

  @Override
  public String getUid(String mailboxId) {
    return uidl;
  }
}
