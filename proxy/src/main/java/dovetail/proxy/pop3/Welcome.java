package dovetail.proxy.pop3;

import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ConnectHandler;
import org.apache.james.protocols.pop3.POP3Response;
import org.apache.james.protocols.pop3.POP3Session;

/**
 * The greeting, in Dovecot's words and without an APOP timestamp. James's WelcomeMessageHandler puts one in
 * ({@code <id.time@host>}), which tells a client APOP is offered; it is not (passwords are checked against the
 * legacy server or a hash), so Thunderbird's "encrypted password" sent APOP and got a bare -ERR. Dovecot shows a
 * timestamp only where APOP is enabled.
 */
final class Welcome implements ConnectHandler<POP3Session> {
  @Override
  public Response onConnect(POP3Session session) {
    return new POP3Response(POP3Response.OK_RESPONSE, "Dovetail ready.");
  }
}
