package dovetail.store;

import java.util.Locale;

/**
 * {@code pop3_uidl_format}: the UIDL of a message that has no stored {@code P}, expanded as Dovecot's
 * var_expand does (src/lib/var-expand.c, called from src/pop3/pop3-commands.c pop3_get_uid): {@code %v}
 * UIDVALIDITY, {@code %u} UID, {@code %f} the Maildir base filename, {@code %g} the GUID, each optionally with a
 * width ({@code 0} pads with zeros and never truncates; without {@code 0} the width truncates) and the modifiers
 * {@code X} (decimal to lower-case hex, as m_str_hex's "%llx"), {@code L}, {@code U}. {@code %m} (header MD5)
 * needs Dovecot's index and is refused when the format is parsed, so that no UIDL is ever invented.
 * Shared by the POP3 server and the migrator (which keeps a message's UIDL when it gives it a new UID).
 */
public final class UidlFormat {
  /** Dovecot 2.3's default pop3_uidl_format. */
  public static final String DOVECOT_DEFAULT = "%08Xu%08Xv";

  private final String format;
  private final boolean perFile;

  private UidlFormat(String format) {
    this.format = format;
    // Digits survive every modifier and width, so two files tell whether %f or %g is used.
    this.perFile = !expand(0, probe(1, "1", "1")).equals(expand(0, probe(1, "2", "2")));
  }

  /** @throws IllegalArgumentException naming pop3_uidl_format, for a variable this build cannot expand */
  public static UidlFormat parse(String format) {
    return new UidlFormat(format); // the constructor expands every variable once: that validates them
  }

  /**
   * The UIDL a POP3 server shows for {@code m}, Dovetail's and Dovecot's alike: the stored {@code P} (its base
   * filename when {@code P} is empty), else this format.
   */
  public String uidl(long uidValidity, StoredMessage m) {
    String stored = m.effectivePop3Uidl();
    return stored != null ? stored : expand(uidValidity, m);
  }

  /**
   * Whether the UIDL depends on the message's file ({@code %f}, {@code %g}): then a copy of the message in a new
   * file shows another UIDL, and the UIDL of a message not stored here cannot be known.
   */
  public boolean perFile() {
    return perFile;
  }

  /** The UIDL of a message without {@code P} at {@code uid}; null when it depends on the file ({@link #perFile}). */
  public String forUid(long uidValidity, long uid) {
    return perFile ? null : expand(uidValidity, probe(uid, "", ""));
  }

  private static StoredMessage probe(long uid, String guid, String baseName) {
    return new StoredMessage(uid, null, null, 0, 0, null, 0, guid, baseName);
  }

  public String expand(long uidValidity, StoredMessage m) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < format.length()) {
      char c = format.charAt(i++);
      if (c != '%') {
        out.append(c);
        continue;
      }
      boolean zeroPad = false;
      int width = 0;
      if (i < format.length() && format.charAt(i) == '0') {
        zeroPad = true;
        i++;
      }
      while (i < format.length() && Character.isDigit(format.charAt(i))) {
        width = width * 10 + (format.charAt(i++) - '0');
      }
      StringBuilder modifiers = new StringBuilder();
      while (i < format.length() && "XLU".indexOf(format.charAt(i)) >= 0) {
        modifiers.append(format.charAt(i++));
      }
      if (i >= format.length()) {
        break; // Dovecot drops a trailing incomplete variable
      }
      String value = variable(format.charAt(i++), uidValidity, m);
      for (char mod : modifiers.toString().toCharArray()) {
        value = switch (mod) {
          case 'X' -> Long.toHexString(parseOrZero(value));
          case 'L' -> value.toLowerCase(Locale.ROOT);
          default -> value.toUpperCase(Locale.ROOT);
        };
      }
      if (width > 0 && zeroPad) {
        out.append("0".repeat(Math.max(0, width - value.length())));
      } else if (width > 0 && value.length() > width) {
        value = value.substring(0, width);
      }
      out.append(value);
    }
    return out.toString();
  }

  private String variable(char key, long uidValidity, StoredMessage m) {
    return switch (key) {
      case 'v' -> Long.toString(uidValidity);
      case 'u' -> Long.toString(m.uid());
      case 'f' -> m.baseName();
      case 'g' -> m.guid();
      case '%' -> "%";
      default -> throw new IllegalArgumentException("pop3_uidl_format: %" + key + " is not supported (" + format
          + "); use %v, %u, %f or %g");
    };
  }

  /** As Dovecot's str_to_ullong: a value that is not a number counts as 0. */
  private static long parseOrZero(String s) {
    try {
      return Long.parseUnsignedLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
