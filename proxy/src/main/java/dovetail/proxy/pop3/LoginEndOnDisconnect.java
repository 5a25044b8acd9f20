package dovetail.proxy.pop3;

import dovetail.proxy.auth.LoginSessionEnd;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.handler.DisconnectHandler;
import org.apache.james.protocols.pop3.POP3Session;

/**
 * Every end of a POP3 session closes its connection (QUIT, a dropped line, the idle timeout), so this is where the end
 * of its login is reported ({@link LoginSessionEnd}); {@link PassCommand} keeps the login's session for it.
 */
final class LoginEndOnDisconnect implements DisconnectHandler<POP3Session> {
  static final ProtocolSession.AttachmentKey<MailboxSession> LOGIN =
      ProtocolSession.AttachmentKey.of("dovetail.pop3.LOGIN", MailboxSession.class);

  @Override
  public void onDisconnect(POP3Session session) {
    session.getAttachment(LOGIN, ProtocolSession.State.Connection).ifPresent(LoginSessionEnd::end);
  }
}
