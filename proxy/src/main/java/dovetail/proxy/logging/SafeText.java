package dovetail.proxy.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.pattern.CompositeConverter;

/**
 * {@code %safe(...)} in the log pattern: every control character (C0 but TAB, DEL, C1) of what it wraps becomes
 * {@code ?}, as Dovecot's log does with what clients send. A user name, folder name or address reaches the log
 * before anyone checked it: with a line break in it a client could write a forged line ("user ceo logged in"), with a
 * NUL make {@code grep} see a binary file and print nothing, with ESC send escape sequences to the operator's terminal.
 */
public final class SafeText extends CompositeConverter<ILoggingEvent> {
  @Override
  protected String transform(ILoggingEvent event, String in) {
    StringBuilder out = null;
    for (int i = 0; i < in.length(); i++) {
      char c = in.charAt(i);
      if (c != '\t' && (c < 0x20 || (c >= 0x7f && c <= 0x9f))) {
        if (out == null) {
          out = new StringBuilder(in.length()).append(in, 0, i);
        }
        out.append('?');
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? in : out.toString();
  }
}
