package dovetail.migrator.source;

/**
 * What {@code STATUS folder (UIDVALIDITY UIDNEXT MESSAGES HIGHESTMODSEQ)} told: the cheap question whether a folder
 * received mail, or had flags changed, asked without selecting it.
 *
 * @param uidValidity UIDVALIDITY, 0 when the server did not send it
 * @param uidNext UIDNEXT
 * @param messages MESSAGES
 * @param highestModSeq HIGHESTMODSEQ (RFC 7162), 0 when the server has no CONDSTORE or did not send it
 */
public record LegacyFolderStatus(long uidValidity, long uidNext, long messages, long highestModSeq) {}
