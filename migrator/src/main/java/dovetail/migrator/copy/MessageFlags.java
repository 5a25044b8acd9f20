package dovetail.migrator.copy;

import dovetail.migrator.source.LegacyMessageInfo;
import dovetail.store.Flags;
import dovetail.store.SystemFlag;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Legacy flags to store flags. What Maildir cannot hold is dropped with a warning and counted (the folder's
 * state and the run's summary report it), as Dovecot's own
 * Maildir would have to: system flags other than RFC 3501's five, keywords that are not atoms, and
 * keywords beyond the 26 letters a folder's filenames offer (MAILDIR_MAX_KEYWORDS in Dovecot's
 * maildir-keywords.c).
 */
final class MessageFlags {
  private static final Logger LOG = LoggerFactory.getLogger(MessageFlags.class);
  static final int MAX_KEYWORDS = 26;

  private final String folder;
  private final Set<String> known = new HashSet<>();
  private long dropped;
  private final Set<String> droppedNames = new TreeSet<>();

  /** @param existing keywords the folder's messages already use (they hold letters) */
  MessageFlags(String folder, Set<String> existing) {
    this.folder = folder;
    known.addAll(existing);
  }

  Flags of(LegacyMessageInfo info) {
    return convert(info, true);
  }

  /** {@link #of} without a warning or a count for what is dropped: for a comparison, when it was reported before. */
  Flags quietly(LegacyMessageInfo info) {
    return convert(info, false);
  }

  private Flags convert(LegacyMessageInfo info, boolean report) {
    Set<SystemFlag> system = EnumSet.noneOf(SystemFlag.class);
    for (String name : info.systemFlags()) {
      SystemFlag flag = system(name);
      if (flag != null) {
        system.add(flag);
      } else if (report && !name.equalsIgnoreCase("\\Recent")) {
        LOG.warn("{}: UID {}: flag {} has no place in Maildir; not copied", folder, info.uid(), name);
        drop(name);
      }
    }
    Set<String> keywords = new TreeSet<>();
    for (String k : info.keywords()) {
      if (!validKeyword(k)) {
        if (!report) {
          continue;
        }
        LOG.warn("{}: UID {}: keyword '{}' is not an IMAP atom; not copied", folder, info.uid(), k);
        drop(k);
      } else if (known.contains(k) || known.size() < MAX_KEYWORDS) {
        known.add(k);
        keywords.add(k);
      } else if (report) {
        LOG.warn("{}: UID {}: keyword '{}' not copied: the folder already uses the {} keywords Maildir can hold",
            folder, info.uid(), k, MAX_KEYWORDS);
        drop(k);
      }
    }
    return Flags.of(system, keywords);
  }

  private void drop(String name) {
    dropped++;
    if (droppedNames.size() < 20) {
      droppedNames.add(name);
    }
  }

  /** Flags and keywords not copied so far (one per message they were on), so that the run can report them. */
  long dropped() {
    return dropped;
  }

  /** The names of the first 20 distinct flags and keywords not copied, sorted. */
  java.util.List<String> droppedNames() {
    return java.util.List.copyOf(droppedNames);
  }

  private static SystemFlag system(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "\\seen" -> SystemFlag.SEEN;
      case "\\answered" -> SystemFlag.ANSWERED;
      case "\\flagged" -> SystemFlag.FLAGGED;
      case "\\deleted" -> SystemFlag.DELETED;
      case "\\draft" -> SystemFlag.DRAFT;
      default -> null;
    };
  }

  /** RFC 3501 flag-keyword = atom: no CTL, SP, ( ) { % * " \ ] and nothing above 0x7e. */
  static boolean validKeyword(String k) {
    if (k.isEmpty()) {
      return false;
    }
    for (int i = 0; i < k.length(); i++) {
      char c = k.charAt(i);
      if (c <= ' ' || c >= 0x7f || "(){%*\"\\]".indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }
}
