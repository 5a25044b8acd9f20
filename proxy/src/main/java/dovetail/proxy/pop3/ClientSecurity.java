package dovetail.proxy.pop3;

import dovetail.proxy.imap.PlaintextAuthRule;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.apache.james.protocols.pop3.POP3Session;

/** Whether this connection may carry a password now: the IMAP rule, fed with what the POP3 session knows. */
final class ClientSecurity {
  private ClientSecurity() {}

  static boolean plaintextAllowed(POP3Session session, PlaintextAuthRule rule) {
    return rule.allows(session.isTLSStarted(),
        Optional.ofNullable(session.getRemoteAddress()).map(InetSocketAddress::getAddress));
  }
}
