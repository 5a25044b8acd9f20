package dovetail.proxy.mailbox;

import dovetail.store.Flags;
import dovetail.store.SystemFlag;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;

/** The store's flags and keywords against javax.mail Flags as James uses them; keywords are user flags. */
final class FlagsMapping {
  private FlagsMapping() {}

  static javax.mail.Flags toJames(Flags flags) {
    javax.mail.Flags out = new javax.mail.Flags();
    for (SystemFlag f : flags.system()) {
      out.add(toJames(f));
    }
    for (String keyword : flags.keywords()) {
      out.add(keyword);
    }
    return out;
  }

  /** \Recent is not stored (Dovecot keeps it in its index, not in Maildir), so it is dropped here. */
  static Flags toStore(javax.mail.Flags flags) {
    Set<SystemFlag> system = EnumSet.noneOf(SystemFlag.class);
    for (SystemFlag f : SystemFlag.values()) {
      if (flags.contains(toJames(f))) {
        system.add(f);
      }
    }
    Set<String> keywords = new TreeSet<>();
    for (String keyword : flags.getUserFlags()) {
      keywords.add(keyword);
    }
    return new Flags(system, keywords);
  }

  private static javax.mail.Flags.Flag toJames(SystemFlag f) {
    return switch (f) {
      case ANSWERED -> javax.mail.Flags.Flag.ANSWERED;
      case DELETED -> javax.mail.Flags.Flag.DELETED;
      case DRAFT -> javax.mail.Flags.Flag.DRAFT;
      case FLAGGED -> javax.mail.Flags.Flag.FLAGGED;
      case SEEN -> javax.mail.Flags.Flag.SEEN;
    };
  }
}
