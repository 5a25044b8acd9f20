package dovetail.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A folder read as the disk holds it, without writing anything: no dovecot-uidlist created, no UID given to a file
 * that has none, no lock file, nothing repaired or cleaned up. For questions such as {@code status}, which must leave
 * the store as they found it; what a writer would settle is left to the next writer ({@link MailStore#open}).
 */
public interface MailboxPeek {
  /** As {@link Mailbox#name()}. */
  String name();

  /** The folder's directory, where Dovecot would keep its dovecot.index* files. */
  Path directory();

  /** As {@link Mailbox#dovetailState()}. */
  Map<String, String> dovetailState();

  /** The messages that have a UID (a uidlist record and a file), in UID order. */
  List<StoredMessage> messages();

  /**
   * The virtual sizes of the files in cur/ or new/ that have no UID yet (an MDA's, or a writer's in the middle of a
   * commit): messages the next writer numbers.
   */
  List<Long> unnumbered();
}
