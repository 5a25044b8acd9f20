package dovetail.proxy.imap;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Optional;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imapserver.netty.ImapChannelUpstreamHandler;
import org.apache.james.util.MDCBuilder;
import org.slf4j.MDC;

/**
 * The client's IP address. James's ImapSession does not expose it; the connection handler keeps it in the
 * session's logging context ({@link ImapChannelUpstreamHandler#MDC_KEY}), which is read here through MDCBuilder's
 * public API.
 */
final class ClientAddress {
  private ClientAddress() {}

  static Optional<InetAddress> of(ImapSession session) {
    Object bound = session.getAttribute(ImapChannelUpstreamHandler.MDC_KEY);
    if (!(bound instanceof MDCBuilder mdc)) {
      return Optional.empty();
    }
    Map<String, String> before = MDC.getCopyOfContextMap();
    String ip;
    try (Closeable ignored = mdc.build()) {
      ip = MDC.get(MDCBuilder.IP);
    } catch (IOException e) {
      return Optional.empty();
    } finally {
      // build() and close() touch every key of the builder: put the caller's logging context back as it was.
      if (before == null) {
        MDC.clear();
      } else {
        MDC.setContextMap(before);
      }
    }
    return parse(ip);
  }

  /** Only IP literals are accepted (no lookups): "127.0.0.1", "::1". */
  static Optional<InetAddress> parse(String ip) {
    if (ip == null || ip.isEmpty() || !(Character.isDigit(ip.charAt(0)) || ip.indexOf(':') >= 0)) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(ip));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }
}
