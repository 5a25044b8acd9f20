package dovetail.proxy.auth;

import org.apache.james.mailbox.exception.MailboxException;

/**
 * {@link LoginVerdict#UNAVAILABLE} on its way through James's SessionProvider, whose only words for a failed login
 * are exceptions: the passdb could not check the password now. The front-ends answer it as Dovecot does (IMAP
 * {@code NO [UNAVAILABLE]}, POP3 {@code -ERR [SYS/TEMP]}), not as a wrong password, and do not count it as one.
 */
public final class PassdbUnavailableException extends MailboxException {
  private static final long serialVersionUID = 1L;

  /** Dovecot's words (login-common, AUTH_TEMP_FAILED_MSG). */
  public static final String TEXT = "Temporary authentication failure.";

  PassdbUnavailableException() {
    super(TEXT);
  }
}
