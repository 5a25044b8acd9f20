package dovetail.proxy.auth;

import org.apache.james.mailbox.exception.MailboxException;

/**
 * A login whose password was right, refused because its user has {@code mail_max_userip_connections} sessions from
 * that address already ({@link UserIpSessions}). The front-ends answer it with its text, as a limit (IMAP
 * {@code NO [LIMIT]}, POP3 {@code -ERR [SYS/TEMP]}), not as a wrong password, and without the failure delay.
 */
public final class SessionLimitException extends MailboxException {
  private static final long serialVersionUID = 1L;

  SessionLimitException(String text) {
    super(text);
  }
}
