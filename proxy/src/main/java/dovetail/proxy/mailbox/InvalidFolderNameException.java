package dovetail.proxy.mailbox;

import org.apache.james.mailbox.exception.MailboxNameException;

/**
 * A name that no folder can have here ({@link FolderNames#check}). Its message is the reason, in the words Dovecot
 * answers with for the same name ("Invalid mailbox name: Name must not have '/' characters"), and is meant for the
 * client: it holds nothing but the rule that was broken.
 */
public final class InvalidFolderNameException extends MailboxNameException {
  InvalidFolderNameException(String message) {
    super(message);
  }

  static InvalidFolderNameException because(String reason) {
    return new InvalidFolderNameException("Invalid mailbox name: " + reason);
  }
}
