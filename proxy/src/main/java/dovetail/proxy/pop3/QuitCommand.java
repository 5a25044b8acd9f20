package dovetail.proxy.pop3;

import java.util.Collection;
import java.util.List;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.pop3.POP3Response;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.QuitCmdHandler;

/**
 * QUIT is James's (the UPDATE state: DELE's expunge), answered in Dovecot's words ({@code +OK Logging out.}, or
 * {@code +OK Logging out, messages deleted.} after DELE), not James's "Apache James POP3 Server signing off.":
 * Dovetail stands in for Dovecot, and clients and scripts may read the line.
 */
final class QuitCommand implements CommandHandler<POP3Session> {
  private final QuitCmdHandler james;

  QuitCommand(MetricFactory metrics) {
    this.james = new QuitCmdHandler(metrics);
  }

  @Override
  public Response onCommand(POP3Session session, Request request) {
    boolean deleted = session.getHandlerState() == POP3Session.TRANSACTION
        && !session.getAttachment(POP3Session.DELETED_UID_LIST, State.Transaction).orElse(List.of()).isEmpty();
    Response response = james.onCommand(session, request);
    if (response == null || !POP3Response.OK_RESPONSE.equals(response.getRetCode())) {
      return response; // James's -ERR when an expunge failed: no brand in it
    }
    POP3Response reply = new POP3Response(POP3Response.OK_RESPONSE,
        deleted ? "Logging out, messages deleted." : "Logging out.");
    reply.setEndSession(true);
    return reply;
  }

  @Override
  public Collection<String> getImplCommands() {
    return james.getImplCommands();
  }
}
