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
import org.apache.james.protocols.pop3.core.RetrCmdHandler;
import org.apache.james.protocols.pop3.mailbox.MessageMetaData;

/** RETR is James's (it streams and dot-stuffs); a message it sends is noted, to become \Seen at QUIT. */
final class RetrCommand implements CommandHandler<POP3Session> {
  private final RetrCmdHandler james;

  RetrCommand(MetricFactory metrics) {
    this.james = new RetrCmdHandler(metrics);
  }

  @Override
  public Response onCommand(POP3Session session, Request request) {
    Response response = james.onCommand(session, request);
    if (response != null && POP3Response.OK_RESPONSE.equals(response.getRetCode())
        && session.getUserMailbox() instanceof Maildrop drop) {
      List<MessageMetaData> listing = session.getAttachment(POP3Session.UID_LIST, State.Transaction).orElse(List.of());
      int number = Integer.parseInt(request.getArgument().trim()); // James answered +OK, so it is a valid number
      if (listing.get(number - 1) instanceof DropEntry entry) {
        drop.retrieved(entry.storeUid());
      }
    }
    return response;
  }

  @Override
  public Collection<String> getImplCommands() {
    return james.getImplCommands();
  }
}
