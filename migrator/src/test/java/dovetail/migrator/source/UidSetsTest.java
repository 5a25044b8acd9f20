package dovetail.migrator.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class UidSetsTest {
  @Test
  void runsCollapseIntoRanges() {
    long[] uids = {1, 2, 3, 5, 7, 8, 10};
    assertEquals("1:3,5,7:8,10", UidSets.format(uids, 0, uids.length));
  }

  @Test
  void aSliceIsFormattedOnItsOwn() {
    long[] uids = {1, 2, 3, 5, 7, 8, 10};
    assertEquals("3,5,7", UidSets.format(uids, 2, 5));
    assertEquals("4294967295", UidSets.format(new long[] {4294967295L}, 0, 1));
  }
}
