package dovetail.proxy.pop3;

import java.util.Set;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.CapaCapability;

/**
 * CAPA lines for what the chain does but no James handler announces (RFC 2449): RESP-CODES and AUTH-RESP-CODE,
 * since replies carry [AUTH] and [SYS/TEMP] (RFC 3206); and before login TOP and UIDL, which James's handlers list
 * only after login, while clients (and Dovecot) expect them from the first CAPA; and CAPA itself, as Dovecot lists it.
 */
final class ExtraCapabilities implements CapaCapability, ProtocolHandler {
  @Override
  public Set<String> getImplementedCapabilities(POP3Session session) {
    return session.getHandlerState() == POP3Session.TRANSACTION ? Set.of("CAPA", "RESP-CODES", "AUTH-RESP-CODE")
        : Set.of("CAPA", "TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE");
  }
}
