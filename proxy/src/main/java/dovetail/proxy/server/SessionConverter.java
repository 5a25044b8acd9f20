package dovetail.proxy.server;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.Map;

/**
 * {@code %session} in logback.xml: the connection's session id. Dovetail's own code sets MDC "session"; James's
 * IMAP stack sets "sessionId" on the threads it runs commands on. Either is printed, so every line of one
 * connection carries the same id.
 */
public final class SessionConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    Map<String, String> mdc = event.getMDCPropertyMap();
    String own = mdc.get("session");
    if (own != null) {
      return own;
    }
    String james = mdc.get("sessionId");
    return james == null ? "" : james;
  }
}
