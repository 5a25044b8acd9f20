package dovetail.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of UIDs kept as disjoint ranges, so that a gap of a billion UIDs costs one entry. Written and read in
 * IMAP's sequence-set syntax ({@code 3:7,9}). Not thread-safe.
 */
public final class UidSet {
  /** One range, both ends included. */
  public record Range(long low, long high) {}

  private final TreeMap<Long, Long> ranges = new TreeMap<>();

  public static UidSet of(long low, long high) {
    UidSet set = new UidSet();
    set.add(low, high);
    return set;
  }

  /** The set of {@code uids}, in any order. */
  public static UidSet of(Iterable<Long> uids) {
    UidSet set = new UidSet();
    for (long uid : uids) {
      set.add(uid, uid);
    }
    return set;
  }

  /** Adds {@code low..high}, merging with touching ranges. */
  public UidSet add(long low, long high) {
    if (low > high) {
      return this;
    }
    Map.Entry<Long, Long> before = ranges.floorEntry(low);
    if (before != null && before.getValue() >= low - 1) {
      low = before.getKey();
      high = Math.max(high, before.getValue());
    }
    Map.Entry<Long, Long> next = ranges.ceilingEntry(low);
    while (next != null && next.getKey() <= high + 1) {
      high = Math.max(high, next.getValue());
      ranges.remove(next.getKey());
      next = ranges.ceilingEntry(low);
    }
    ranges.put(low, high);
    return this;
  }

  public UidSet addAll(UidSet other) {
    other.ranges.forEach(this::add);
    return this;
  }

  /** Removes {@code low..high}. */
  public UidSet remove(long low, long high) {
    if (low > high) {
      return this;
    }
    Map.Entry<Long, Long> before = ranges.lowerEntry(low);
    if (before != null && before.getValue() >= low) {
      ranges.put(before.getKey(), low - 1);
      if (before.getValue() > high) {
        ranges.put(high + 1, before.getValue());
        return this;
      }
    }
    Map.Entry<Long, Long> next = ranges.ceilingEntry(low);
    while (next != null && next.getKey() <= high) {
      ranges.remove(next.getKey());
      if (next.getValue() > high) {
        ranges.put(high + 1, next.getValue());
      }
      next = ranges.ceilingEntry(low);
    }
    return this;
  }

  public boolean contains(long uid) {
    Map.Entry<Long, Long> e = ranges.floorEntry(uid);
    return e != null && e.getValue() >= uid;
  }

  /** The UIDs in both sets, as a new set. */
  public UidSet intersect(UidSet other) {
    UidSet out = new UidSet();
    for (Map.Entry<Long, Long> a : ranges.entrySet()) {
      Long from = other.ranges.floorKey(a.getKey());
      Map<Long, Long> candidates = from == null ? other.ranges.headMap(a.getValue(), true)
          : other.ranges.subMap(from, true, a.getValue(), true);
      for (Map.Entry<Long, Long> b : candidates.entrySet()) {
        out.add(Math.max(a.getKey(), b.getKey()), Math.min(a.getValue(), b.getValue()));
      }
    }
    return out;
  }

  /**
   * The UIDs in this set and not in {@code other}, as a new set. It visits only {@code other}'s ranges that overlap
   * this set's, so a small set minus a large one is cheap.
   */
  public UidSet minus(UidSet other) {
    UidSet out = new UidSet();
    for (Map.Entry<Long, Long> a : ranges.entrySet()) {
      long next = a.getKey(); // the lowest UID of this range not yet placed or removed
      Long from = other.ranges.floorKey(a.getKey());
      for (Map.Entry<Long, Long> b : other.ranges.tailMap(from == null ? a.getKey() : from, true).entrySet()) {
        if (b.getKey() > a.getValue()) {
          break;
        }
        if (b.getValue() < next) {
          continue;
        }
        out.add(next, b.getKey() - 1);
        next = b.getValue() + 1;
      }
      out.add(next, a.getValue());
    }
    return out;
  }

  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  public List<Range> ranges() {
    List<Range> out = new ArrayList<>(ranges.size());
    ranges.forEach((low, high) -> out.add(new Range(low, high)));
    return out;
  }

  /** The number of ranges (not of UIDs). */
  public int rangeCount() {
    return ranges.size();
  }

  /** IMAP sequence-set syntax, e.g. {@code 3:7,9}; empty for the empty set. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    ranges.forEach((low, high) -> {
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(low);
      if (high > low) {
        out.append(':').append(high);
      }
    });
    return out.toString();
  }

  /** Reads {@link #toString()}'s syntax; throws NumberFormatException or IllegalArgumentException on anything else. */
  public static UidSet parse(String text) {
    UidSet set = new UidSet();
    for (String part : text.split(",", -1)) {
      int colon = part.indexOf(':');
      long low = Long.parseLong(colon < 0 ? part : part.substring(0, colon));
      long high = colon < 0 ? low : Long.parseLong(part.substring(colon + 1));
      if (low < 1 || high < low) {
        throw new IllegalArgumentException("not a UID range: " + part);
      }
      set.add(low, high);
    }
    return set;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UidSet other && ranges.equals(other.ranges);
  }

  @Override
  public int hashCode() {
    return ranges.hashCode();
  }
}
