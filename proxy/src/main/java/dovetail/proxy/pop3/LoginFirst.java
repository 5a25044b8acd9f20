package dovetail.proxy.pop3;

import java.util.Collection;
import java.util.List;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.pop3.POP3Response;
import org.apache.james.protocols.pop3.POP3Session;

/**
 * The mailbox commands before a login: Dovecot's {@code -ERR Unknown command.} (its login process knows none of them),
 * where James answered a bare {@code -ERR} that says nothing (walk-through 13, B8). Placed before James's handlers of
 * the same commands; after the login they go on to those (null here).
 */
final class LoginFirst implements CommandHandler<POP3Session> {
  private static final Response UNKNOWN = new POP3Response(POP3Response.ERR_RESPONSE, "Unknown command.");

  @Override
  public Response onCommand(POP3Session session, Request request) {
    return session.getHandlerState() == POP3Session.AUTHENTICATION_READY
        || session.getHandlerState() == POP3Session.AUTHENTICATION_USERSET ? UNKNOWN : null;
  }

  @Override
  public Collection<String> getImplCommands() {
    return List.of("STAT", "LIST", "UIDL", "RETR", "DELE", "TOP", "RSET");
  }
}
