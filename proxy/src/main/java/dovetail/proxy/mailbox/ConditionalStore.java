package dovetail.proxy.mailbox;

import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.james.mailbox.MailboxSession;

/**
 * {@code STORE ... (UNCHANGEDSINCE m)} (RFC 7162 §3.1.3) tests and changes each message in one step. James 3.8.1
 * tests the mod-sequences before it asks the mapper for the change, outside the folder's lock, so another session's
 * STORE in between would be overwritten. So the IMAP layer notes {@code m} in the session for the command, the
 * mapper tests again while it holds the folder and leaves a message changed since untouched, noting its UID here,
 * and the command's tagged OK lists it in {@code [MODIFIED ...]}.
 */
public final class ConditionalStore {
  private static final String LIMIT = ConditionalStore.class.getName() + ".unchangedSince";
  private static final String REFUSED = ConditionalStore.class.getName() + ".refused";

  private ConditionalStore() {
  }

  /** The session's current command is a STORE with {@code UNCHANGEDSINCE unchangedSince}. */
  public static void begin(MailboxSession session, long unchangedSince) {
    session.getAttributes().put(LIMIT, unchangedSince);
    session.getAttributes().remove(REFUSED);
  }

  /** The command is over. */
  public static void end(MailboxSession session) {
    session.getAttributes().remove(LIMIT);
    session.getAttributes().remove(REFUSED);
  }

  /** The UIDs the mapper left untouched because they changed after James's test. */
  @SuppressWarnings("unchecked")
  public static SortedSet<Long> refused(MailboxSession session) {
    Object refused = session.getAttributes().get(REFUSED);
    return refused == null ? new TreeSet<>() : new TreeSet<>((SortedSet<Long>) refused);
  }

  static OptionalLong unchangedSince(MailboxSession session) {
    Object limit = session.getAttributes().get(LIMIT);
    return limit == null ? OptionalLong.empty() : OptionalLong.of((Long) limit);
  }

  @SuppressWarnings("unchecked")
  static void refuse(MailboxSession session, long uid) {
    ((SortedSet<Long>) session.getAttributes().computeIfAbsent(REFUSED, k -> new TreeSet<Long>())).add(uid);
  }
}
