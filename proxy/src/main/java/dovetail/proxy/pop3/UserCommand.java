package dovetail.proxy.pop3;

import dovetail.proxy.imap.PlaintextAuthRule;
import java.util.Collection;
import java.util.Set;
import org.apache.james.core.Username;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.pop3.POP3Response;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.CapaCapability;

/** USER (RFC 1939 section 7): remembers the name for PASS; refused before TLS when ssl = required. */
final class UserCommand implements CommandHandler<POP3Session>, CapaCapability {
  private static final Response BAD_STATE = new POP3Response(POP3Response.ERR_RESPONSE,
      "USER is not valid now").immutable();
  private static final Response NO_NAME = new POP3Response(POP3Response.ERR_RESPONSE,
      "Usage: USER name").immutable();

  private final PlaintextAuthRule rule;

  UserCommand(PlaintextAuthRule rule) {
    this.rule = rule;
  }

  @Override
  public Response onCommand(POP3Session session, Request request) {
    if (session.getHandlerState() != POP3Session.AUTHENTICATION_READY) {
      return BAD_STATE;
    }
    if (!ClientSecurity.plaintextAllowed(session, rule)) {
      return Pop3Replies.PLAINTEXT_DISALLOWED;
    }
    String name = request.getArgument();
    if (name == null || name.isBlank()) {
      return NO_NAME;
    }
    try {
      session.setUsername(Username.of(name));
    } catch (IllegalArgumentException e) {
      return NO_NAME;
    }
    session.setHandlerState(POP3Session.AUTHENTICATION_USERSET);
    return POP3Response.OK;
  }

  @Override
  public Set<String> getImplementedCapabilities(POP3Session session) {
    return session.getHandlerState() == POP3Session.TRANSACTION ? Set.of() : Set.of("USER");
  }

  @Override
  public Collection<String> getImplCommands() {
    return Set.of("USER");
  }
}
