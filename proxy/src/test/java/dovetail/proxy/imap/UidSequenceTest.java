package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class UidSequenceTest {
  @Test
  void sequenceNumbersFollowUidOrderAndCloseUpAfterARemoval() {
    UidSequence s = new UidSequence();
    s.addAll(List.of(4L, 9L, 12L));
    assertEquals(2, s.msn(9));
    assertEquals(2, s.remove(9));
    assertEquals(12, s.uid(2));
    assertEquals(0, s.msn(9));
    assertEquals(0, s.remove(9), "a UID the client no longer knows has no sequence number");
    assertEquals(2, s.size());
  }

  @Test
  void aUidIsKnownOnceAndOutOfRangeNumbersHaveNoUid() {
    UidSequence s = new UidSequence();
    s.addAll(List.of(7L, 3L, 7L));
    assertEquals(2, s.size());
    assertEquals(3, s.uid(1));
    assertEquals(0, s.uid(0));
    assertEquals(0, s.uid(3));
    assertFalse(s.contains(5));
  }

  @Test
  void growsPastItsFirstCapacity() {
    UidSequence s = new UidSequence();
    s.addAll(LongStream.rangeClosed(1, 1000).boxed().toList());
    assertEquals(1000, s.size());
    assertEquals(1000, s.msn(1000));
    assertEquals(500, s.uid(500));
  }
}
