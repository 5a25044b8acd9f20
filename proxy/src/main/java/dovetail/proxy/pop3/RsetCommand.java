package dovetail.proxy.pop3;

import java.util.Collection;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.pop3.POP3Response;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.RsetCmdHandler;

/** RSET is James's (it undoes DELE); it also forgets what RETR sent, as Dovecot's cmd_rset does with \Seen. */
final class RsetCommand implements CommandHandler<POP3Session> {
  private final RsetCmdHandler james;

  RsetCommand(MetricFactory metrics) {
    this.james = new RsetCmdHandler(metrics);
  }

  @Override
  public Response onCommand(POP3Session session, Request request) {
    Response response = james.onCommand(session, request);
    if (response != null && POP3Response.OK_RESPONSE.equals(response.getRetCode())
        && session.getUserMailbox() instanceof Maildrop drop) {
      drop.forgetRetrieved();
    }
    return response;
  }

  @Override
  public Collection<String> getImplCommands() {
    return james.getImplCommands();
  }
}
