package dovetail.proxy.imap;

import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapProcessor;

/**
 * Sends two responses at once that James leaves in the command's buffer. A BYE: James closes the connection right
 * after one (the third failed login of a connection), before the flush at the end of the command, and the client
 * would see the connection drop without a word. IDLE's heartbeat ("* OK Still here", every two minutes): James never
 * flushes it, so it waited for DONE and kept no NAT or firewall state alive (Dovecot sends it at once).
 */
final class FlushAtOnce implements ImapProcessor.Responder {
  private final ImapProcessor.Responder delegate;

  FlushAtOnce(ImapProcessor.Responder delegate) {
    this.delegate = delegate;
  }

  @Override
  public void respond(ImapResponseMessage message) {
    delegate.respond(message);
    if (message instanceof StatusResponse status && (status.getServerResponseType() == StatusResponse.Type.BYE
        || status.getTextKey().getKey().equals(HumanReadableText.HEARTBEAT.getKey()))) {
      delegate.flush();
    }
  }

  @Override
  public void flush() {
    delegate.flush();
  }
}
