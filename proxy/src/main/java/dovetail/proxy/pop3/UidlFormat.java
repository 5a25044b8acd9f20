package dovetail.proxy.pop3;

import dovetail.store.StoredMessage;
import java.util.Locale;

/**
 * {@code pop3_uidl_format}: the UIDL of a message that has no stored {@code P}, expanded as Dovecot's
 * var_expand does (src/lib/var-expand.c, called from src/pop3/pop3-commands.c pop3_get_uid): {@code %v}
 * UIDVALIDITY, {@code %u} UID, {@code %f} the Maildir base filename, {@code %g} the GUID, each optionally with a
 * width ({@code 0} pads with zeros and never truncates; without {@code 0} the width truncates) and the modifiers
 * {@code X} (decimal to lower-case hex, as m_str_hex's "%llx"), {@code L}, {@code U}. {@code %m} (header MD5)
 * needs Dovecot's index and is refused when the format is parsed, so that no UIDL is ever invented.
 */
final class UidlFormat {
  private final String format;

  private UidlFormat(String format) {
    this.format = format;
  }

  /** @throws IllegalArgumentException naming pop3_uidl_format, for a variable this build cannot expand */
  static UidlFormat parse(String format) {
    UidlFormat f = new UidlFormat(format);
    f.expand(0, new StoredMessage(0, null, null, 0, 0, null, 0, "g", "f")); // validates every variable once
    return f;
  }

  String expand(long uidValidity, StoredMessage m) {
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
