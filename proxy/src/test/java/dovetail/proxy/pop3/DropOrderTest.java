package dovetail.proxy.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dovetail.store.Flags;
import dovetail.store.StoredMessage;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** POP3 order as Dovecot's MAIL_SORT_POP3_ORDER: by O, messages without O after them in UID order. */
class DropOrderTest {
  private static StoredMessage m(long uid, long order) {
    return new StoredMessage(uid, Flags.NONE, Instant.EPOCH, 1, 1, null, order, "g", "f" + uid);
  }

  @Test
  void messagesWithAnOrderComeFirstByOrderThenTheRestByUid() {
    List<StoredMessage> byUid = List.of(m(1, 0), m(2, 3), m(4, 1), m(6, 0), m(9, 2), m(11, 0));
    assertEquals(List.of(4L, 9L, 2L, 1L, 6L, 11L), DropOrder.sort(byUid).stream().map(StoredMessage::uid).toList());
  }

  @Test
  void equalOrdersKeepUidOrder() {
    assertEquals(List.of(3L, 5L, 1L), DropOrder.sort(List.of(m(1, 0), m(3, 1), m(5, 1)))
        .stream().map(StoredMessage::uid).toList());
  }
}
