package dovetail.proxy.imap;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.james.mailbox.model.MailboxId;

/**
 * Which session a message that arrives while the folder is selected is \Recent in: the first of this process's
 * sessions to announce it (RFC 3501 §2.3.2: in at most one session; every session with the folder open took it as
 * recent, and imaptest counted more recent messages than the folder held). Per user and folder, the last
 * {@value #KEPT} UIDs claimed; forgotten an hour after the folder's last arrival.
 */
final class RecentClaims {
  private static final int KEPT = 10_000;
  private static final Cache<String, Set<Long>> CLAIMED =
      Caffeine.newBuilder().expireAfterAccess(Duration.ofHours(1)).build();

  private RecentClaims() {}

  /** True for the first session that claims {@code uid} of the folder; false for every later one. */
  static boolean claim(String user, MailboxId folder, long uid) {
    Set<Long> claimed = CLAIMED.get(user + "\0" + folder.serialize(), k -> new LinkedHashSet<>());
    synchronized (claimed) {
      if (!claimed.add(uid)) {
        return false;
      }
      if (claimed.size() > KEPT) {
        claimed.remove(claimed.iterator().next());
      }
      return true;
    }
  }
}
