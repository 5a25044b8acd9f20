package dovetail.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** System flags plus keywords of one message. Immutable; keywords keep their case, as IMAP does. */
public record Flags(Set<SystemFlag> system, Set<String> keywords) {
  /**
   * One unmodifiable set per combination of system flags, shared: every message of a folder view has a Flags, and
   * most have no keywords, so fresh sets per message were about 130 bytes of each message's view.
   */
  private static final List<Set<SystemFlag>> SYSTEM_SETS = systemSets();
  /** The Flags without keywords, one per combination of system flags, for {@link #of(Set, Set)}. */
  private static final List<Flags> WITHOUT_KEYWORDS = SYSTEM_SETS.stream().map(s -> new Flags(s, Set.of())).toList();

  public static final Flags NONE = WITHOUT_KEYWORDS.get(0);

  public Flags {
    system = SYSTEM_SETS.get(mask(system));
    keywords = keywords.isEmpty() ? Set.of() : Collections.unmodifiableSet(new TreeSet<>(keywords));
    for (String k : keywords) {
      if (k.isEmpty() || k.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
        throw new StoreException(StoreError.INVALID_NAME, "invalid keyword: '" + k + "'");
      }
    }
  }

  private static int mask(Set<SystemFlag> flags) {
    int mask = 0;
    for (SystemFlag f : flags) {
      mask |= 1 << f.ordinal();
    }
    return mask;
  }

  private static List<Set<SystemFlag>> systemSets() {
    SystemFlag[] all = SystemFlag.values();
    List<Set<SystemFlag>> sets = new ArrayList<>(1 << all.length);
    for (int mask = 0; mask < 1 << all.length; mask++) {
      Set<SystemFlag> set = EnumSet.noneOf(SystemFlag.class);
      for (SystemFlag f : all) {
        if ((mask & 1 << f.ordinal()) != 0) {
          set.add(f);
        }
      }
      sets.add(Collections.unmodifiableSet(set));
    }
    return List.copyOf(sets);
  }

  public static Flags of(SystemFlag... flags) {
    Set<SystemFlag> s = EnumSet.noneOf(SystemFlag.class);
    Collections.addAll(s, flags);
    return WITHOUT_KEYWORDS.get(mask(s));
  }

  /** Equal to {@code new Flags(system, keywords)}; without keywords, a shared instance (a folder view has one per message). */
  public static Flags of(Set<SystemFlag> system, Set<String> keywords) {
    return keywords.isEmpty() ? WITHOUT_KEYWORDS.get(mask(system)) : new Flags(system, keywords);
  }

  public Flags withKeywords(String... names) {
    Set<String> k = new TreeSet<>(keywords);
    Collections.addAll(k, names);
    return new Flags(system, k);
  }

  public Flags with(SystemFlag flag) {
    Set<SystemFlag> s = EnumSet.noneOf(SystemFlag.class);
    s.addAll(system);
    s.add(flag);
    return of(s, keywords);
  }

  public boolean has(SystemFlag flag) {
    return system.contains(flag);
  }
}
