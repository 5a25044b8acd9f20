package dovetail.proxy.pop3;

import dovetail.store.StoredMessage;
import java.util.Comparator;
import java.util.List;

/**
 * The POP3 order of a maildrop, as Dovecot's pop3 sorts it (src/pop3/pop3-client.c read_mailbox with
 * MAIL_SORT_POP3_ORDER; src/lib-storage/index/index-sort.c): a message's {@code O} value is its key, a message
 * without one sorts after all that have one ((uint32_t)-1), and ties keep UID order.
 */
final class DropOrder {
  private static final long NO_ORDER = 0xFFFF_FFFFL;

  private DropOrder() {}

  static List<StoredMessage> sort(List<StoredMessage> byUid) {
    return byUid.stream()
        .sorted(Comparator.comparingLong(DropOrder::key).thenComparingLong(StoredMessage::uid))
        .toList();
  }

  private static long key(StoredMessage m) {
    return m.pop3Order() > 0 ? m.pop3Order() : NO_ORDER;
  }
}
