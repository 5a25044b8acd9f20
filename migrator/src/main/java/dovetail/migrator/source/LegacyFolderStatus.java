package dovetail.migrator.source;

/**
 * What {@code STATUS folder (UIDVALIDITY UIDNEXT MESSAGES)} told: the cheap question whether a folder
 * received mail, asked without selecting it.
 *
 * @param uidValidity UIDVALIDITY, 0 when the server did not send it
 * @param uidNext UIDNEXT
 * @param messages MESSAGES
 */
public record LegacyFolderStatus(long uidValidity, long uidNext, long messages) {}
