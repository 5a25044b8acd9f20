package dovetail.store;

/**
 * A folder's counters after a sync.
 *
 * @param nextUid the effective next UID: max(header N, highest record UID + 1)
 * @param guid the mailbox GUID from the uidlist header (32 lowercase hex)
 */
public record MailboxStatus(long uidValidity, long nextUid, int messages, int unseen, String guid) {}
