package dovetail.proxy.mailbox;

import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.james.mailbox.MailboxSession;

/**
 * One {@code STORE ... (UNCHANGEDSINCE m)} in progress (RFC 7162 §3.1.3: each message is tested and changed in one
 * step). James 3.8.1 tests the mod-sequences before it asks the mapper for the change, outside the folder's lock, so
 * another session's STORE in between would be overwritten. So the IMAP layer notes the command in the session, the
 * mapper tests again while it holds the folder and leaves a message changed since untouched, noting its UID here, and
 * the command's tagged OK lists it in {@code [MODIFIED ...]}. Each command has its own object: the end of one never
 * clears the next one's (a pipelined STORE may begin before the previous command's end has run).
 */
public final class ConditionalStore {
  private static final String KEY = ConditionalStore.class.getName();

  private final long unchangedSince;
  private final SortedSet<Long> refused = new TreeSet<>();

  private ConditionalStore(long unchangedSince) {
    this.unchangedSince = unchangedSince;
  }

  /** The session's current command is a STORE with {@code UNCHANGEDSINCE unchangedSince}. */
  public static ConditionalStore begin(MailboxSession session, long unchangedSince) {
    ConditionalStore command = new ConditionalStore(unchangedSince);
    session.getAttributes().put(KEY, command);
    return command;
  }

  /** This command is over (a later one that began meanwhile stays). */
  public void end(MailboxSession session) {
    session.getAttributes().remove(KEY, this);
  }

  /** The UIDs the mapper left untouched because they changed after James's test. */
  public synchronized SortedSet<Long> refused() {
    return new TreeSet<>(refused);
  }

  static Optional<ConditionalStore> of(MailboxSession session) {
    return Optional.ofNullable((ConditionalStore) session.getAttributes().get(KEY));
  }

  long unchangedSince() {
    return unchangedSince;
  }

  synchronized void refuse(long uid) {
    refused.add(uid);
  }
}
