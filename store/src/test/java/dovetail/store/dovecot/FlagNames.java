package dovetail.store.dovecot;

import dovetail.store.Flags;
import dovetail.store.SystemFlag;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;

/** The store's {@link Flags} in IMAP spelling and back, as {@link ImapProbe} reports them. */
public final class FlagNames {
  private FlagNames() {}

  public static String imap(SystemFlag flag) {
    return switch (flag) {
      case DRAFT -> "\\Draft";
      case FLAGGED -> "\\Flagged";
      case ANSWERED -> "\\Answered";
      case SEEN -> "\\Seen";
      case DELETED -> "\\Deleted";
    };
  }

  /** System flags ("\\Seen") and keywords, sorted as {@link ImapProbe.ImapMessage#flags()} is. */
  public static Set<String> imap(Flags flags) {
    Set<String> out = new TreeSet<>();
    for (SystemFlag f : flags.system()) {
      out.add(imap(f));
    }
    out.addAll(flags.keywords());
    return out;
  }

  public static Flags store(Set<String> imapFlags) {
    Set<SystemFlag> system = EnumSet.noneOf(SystemFlag.class);
    Set<String> keywords = new TreeSet<>();
    for (String name : imapFlags) {
      SystemFlag match = null;
      for (SystemFlag f : SystemFlag.values()) {
        if (imap(f).equalsIgnoreCase(name)) {
          match = f;
        }
      }
      if (match != null) {
        system.add(match);
      } else if (name.startsWith("\\")) {
        throw new IllegalArgumentException("not a stored flag: " + name);
      } else {
        keywords.add(name);
      }
    }
    return new Flags(system, keywords);
  }
}
