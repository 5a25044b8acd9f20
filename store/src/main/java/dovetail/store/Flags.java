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

  public static final Flags NONE = new Flags(EnumSet.noneOf(SystemFlag.class), Set.of());

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
    return new Flags(s, Set.of());
  }

  public Flags withKeywords(String... names) {
    Set<String> k = new TreeSet<>(keywords);
    Collections.addAll(k, names);
    return new Flags(system, k);
  }

  public boolean has(SystemFlag flag) {
    return system.contains(flag);
  }
}
