package dovetail.proxy.mailbox;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.james.mailbox.model.MailboxId;

/**
 * Which session a message that arrives while the folder is selected is \Recent in: the first of the server's
 * sessions to announce it (RFC 3501 §2.3.2: in at most one session; every session with the folder open took it as
 * recent, and imaptest counted more recent messages than the folder held). Per user, folder and UIDVALIDITY (a folder
 * made again numbers from 1), the last {@value #KEPT} UIDs claimed; forgotten an hour after the folder's last arrival.
 */
public final class RecentClaims {
  private static final int KEPT = 10_000;

  private final Cache<String, Set<Long>> claimed = Caffeine.newBuilder().expireAfterAccess(Duration.ofHours(1)).build();

  /** True for the first session that claims {@code uid} of the folder; false for every later one. */
  public boolean claim(String user, MailboxId folder, long uidValidity, long uid) {
    Set<Long> uids = claimed.get(user + "\0" + folder.serialize() + "\0" + uidValidity, k -> new LinkedHashSet<>());
    synchronized (uids) {
      if (!uids.add(uid)) {
        return false;
      }
      if (uids.size() > KEPT) {
        uids.remove(uids.iterator().next());
      }
      return true;
    }
  }
}
