package dovetail.proxy.mailbox;

import java.io.IOException;

/**
 * A message's file is gone: another writer (Dovecot expunging, a late-mail merge renumbering) removed it after this
 * session's last look at the folder, within the same mtime tick. The session learns of the expunge at its next sync;
 * until then FETCH leaves the message out and SEARCH does not match it, as Dovecot does, instead of failing.
 */
public final class MessageGoneException extends IOException {
  public MessageGoneException(long uid, String folder) {
    super("message " + uid + " of " + folder + " was removed by another writer");
  }

  /** Whether {@code failure} or one of its causes is a message gone. */
  public static boolean causedBy(Throwable failure) {
    Throwable c = failure;
    for (int depth = 0; c != null && depth < 20; depth++, c = c.getCause()) { // bounded: a cause chain may loop
      if (c instanceof MessageGoneException) {
        return true;
      }
    }
    return false;
  }
}
