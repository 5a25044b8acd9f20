package dovetail.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class UidSetTest {
  @Test
  void rangesMergeSplitAndPrintAsSequenceSets() {
    UidSet set = new UidSet().add(5, 7).add(1, 1).add(8, 9).add(3, 3);
    assertEquals("1,3,5:9", set.toString());
    set.remove(6, 6);
    assertEquals("1,3,5,7:9", set.toString());
    set.remove(1, 7);
    assertEquals("8:9", set.toString());
    assertEquals(UidSet.parse("1,3,5:9"), UidSet.parse("5:9,3,1"));
    assertThrows(IllegalArgumentException.class, () -> UidSet.parse("3:1"));
    assertThrows(IllegalArgumentException.class, () -> UidSet.parse("1:"));
    assertTrue(new UidSet().isEmpty());
    assertEquals("", new UidSet().toString());
  }

  @Test
  void aBillionUidGapIsOneRange() {
    UidSet set = UidSet.of(1, 1_000_000_000L).remove(500, 500);
    assertEquals(2, set.rangeCount());
    assertFalse(set.contains(500));
    assertTrue(set.contains(999_999_999L));
  }

  /** Against a plain set of numbers, over random operations on a small universe. */
  @Test
  void behavesLikeASetOfNumbers() {
    Random random = new Random(7162);
    for (int round = 0; round < 200; round++) {
      UidSet a = new UidSet();
      UidSet b = new UidSet();
      TreeSet<Long> plainA = new TreeSet<>();
      TreeSet<Long> plainB = new TreeSet<>();
      for (int op = 0; op < 20; op++) {
        long low = 1 + random.nextInt(60);
        long high = low + random.nextInt(8);
        boolean toA = random.nextBoolean();
        UidSet target = toA ? a : b;
        TreeSet<Long> plain = toA ? plainA : plainB;
        if (random.nextInt(3) == 0) {
          target.remove(low, high);
          for (long u = low; u <= high; u++) {
            plain.remove(u);
          }
        } else {
          target.add(low, high);
          for (long u = low; u <= high; u++) {
            plain.add(u);
          }
        }
      }
      TreeSet<Long> both = new TreeSet<>(plainA);
      both.retainAll(plainB);
      assertEquals(both, expand(a.intersect(b)), a + " & " + b);
      TreeSet<Long> onlyA = new TreeSet<>(plainA);
      onlyA.removeAll(plainB);
      assertEquals(onlyA, expand(a.minus(b)), a + " - " + b);
      assertEquals(plainA, expand(a));
      if (!a.isEmpty()) {
        assertEquals(a, UidSet.parse(a.toString()), "round trip of " + a);
      }
      for (long u = 0; u <= 70; u++) {
        assertEquals(plainA.contains(u), a.contains(u));
      }
    }
  }

  private static TreeSet<Long> expand(UidSet set) {
    TreeSet<Long> out = new TreeSet<>();
    for (UidSet.Range r : set.ranges()) {
      for (long u = r.low(); u <= r.high(); u++) {
        out.add(u);
      }
    }
    return out;
  }
}
