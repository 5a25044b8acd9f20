package dovetail.store;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;

/** System flags plus keywords of one message. Immutable; keywords keep their case, as IMAP does. */
public record Flags(Set<SystemFlag> system, Set<String> keywords) {
  public static final Flags NONE = new Flags(EnumSet.noneOf(SystemFlag.class), Set.of());

  public Flags {
    system = Collections.unmodifiableSet(system.isEmpty() ? EnumSet.noneOf(SystemFlag.class) : EnumSet.copyOf(system));
    keywords = Collections.unmodifiableSet(new TreeSet<>(keywords));
    for (String k : keywords) {
      if (k.isEmpty() || k.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
        throw new StoreException(StoreError.INVALID_NAME, "invalid keyword: '" + k + "'");
      }
    }
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
