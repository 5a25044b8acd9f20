package dovetail.migrator.source;

/** One message of the legacy POP3 maildrop: its position (1-based), UIDL and LIST size. */
public record LegacyPop3Message(int seq, String uidl, long size) {}
