package dovetail.proxy.pop3;

import java.util.Collection;
import java.util.Set;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.CapaCapability;
import org.apache.james.protocols.pop3.core.StlsCmdHandler;

/**
 * STLS (RFC 2595 section 4) is James's; only its CAPA line is ours: James 3.8.1 still lists STLS once TLS is
 * active, which invites a client to a second STLS that is then refused.
 */
final class StlsCommand implements CommandHandler<POP3Session>, CapaCapability {
  private final StlsCmdHandler james;

  StlsCommand(MetricFactory metrics) {
    this.james = new StlsCmdHandler(metrics);
  }

  @Override
  public Response onCommand(POP3Session session, Request request) {
    return james.onCommand(session, request);
  }

  @Override
  public Set<String> getImplementedCapabilities(POP3Session session) {
    boolean offered = session.isStartTLSSupported() && !session.isTLSStarted()
        && session.getHandlerState() == POP3Session.AUTHENTICATION_READY;
    return offered ? Set.of("STLS") : Set.of();
  }

  @Override
  public Collection<String> getImplCommands() {
    return james.getImplCommands();
  }
}
