package dovetail.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class StoredMessageTest {
  private static final String NAME = "1700000000.M1P1.host,S=10,W=11";

  @Test
  void comparingHashingAndPrintingDoNotReadTheDate() {
    AtomicInteger reads = new AtomicInteger();
    Supplier<Instant> stat = () -> {
      reads.incrementAndGet();
      return Instant.ofEpochSecond(1_700_000_000L);
    };
    StoredMessage a = StoredMessage.withDateOnUse(7, Flags.NONE, stat, 10, 11, null, 0, NAME, NAME);
    StoredMessage b = StoredMessage.withDateOnUse(7, Flags.NONE, stat, 10, 11, null, 0, NAME, NAME);

    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertTrue(a.toString().contains("internalDate=(not read)"), a.toString());
    assertEquals(0, reads.get(), "the date source was asked");

    assertEquals(Instant.ofEpochSecond(1_700_000_000L), a.internalDate());
    assertEquals(1, reads.get());
    assertTrue(a.toString().contains("internalDate=2023-11-14T22:13:20Z"), a.toString());
  }

  @Test
  void messagesOfOtherFilesOrFlagsDiffer() {
    Instant date = Instant.ofEpochSecond(1_700_000_000L);
    StoredMessage a = new StoredMessage(7, Flags.NONE, date, 10, 11, null, 0, NAME, NAME);
    assertNotEquals(a, new StoredMessage(8, Flags.NONE, date, 10, 11, null, 0, NAME, NAME));
    assertNotEquals(a, new StoredMessage(7, Flags.NONE, date, 10, 11, null, 0, NAME, NAME + "x"));
    assertNotEquals(a, new StoredMessage(7, Flags.NONE, date, 10, 11, "uidl", 0, NAME, NAME));
  }
}
