package dovetail.proxy.mailbox;

import org.apache.james.mailbox.exception.MailboxException;

/**
 * Holding two folders' monitors ({@link FolderState}) at once, as a MOVE does. They are taken in the order of the
 * folders' ids, so that two opposite MOVEs (A to B and B to A at once) take them in the same order and neither
 * waits for the other while holding one. Not by name: a RENAME between two MOVEs' looks changes the order of names,
 * and two MOVEs that each read one name before and one after it could wait for each other for good (review 15, F6);
 * a folder keeps its id through a RENAME.
 */
final class FolderMonitors {
  private FolderMonitors() {}

  interface Action<T> {
    T run() throws MailboxException;
  }

  static <T> T holdingBoth(UserMailboxes.Folder a, UserMailboxes.Folder b, Action<T> action) throws MailboxException {
    boolean aFirst = a.id().value() <= b.id().value();
    Object first = (aFirst ? a : b).state();
    Object second = (aFirst ? b : a).state();
    synchronized (first) {
      synchronized (second) {
        return action.run();
      }
    }
  }
}
