package dovetail.migrator.source;

/**
 * What EXAMINE told about a legacy folder.
 *
 * @param uidValidity UIDVALIDITY
 * @param uidNext UIDNEXT; from STATUS when EXAMINE lacks it (Courier), and as a last resort the highest
 *     UID plus one
 * @param highestModSeq HIGHESTMODSEQ (RFC 7162), 0 when the server has no CONDSTORE or NOMODSEQ
 * @param messageCount EXISTS
 */
public record FolderSnapshot(long uidValidity, long uidNext, long highestModSeq, long messageCount) {}
