package dovetail.proxy.imap;

import dovetail.proxy.server.LoginDeadline;
import io.netty.channel.Channel;
import java.time.Duration;
import org.apache.james.imap.api.ImapSessionState;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imapserver.netty.NettyConstants;

/**
 * IMAP's {@link LoginDeadline}: 3 minutes from the connection to the login, as Dovecot's imap-login. James's own
 * idle timeout is the 30 minutes RFC 3501 allows a logged-in session (walk-through 6, W9).
 */
final class LoginTimeout {
  static final String NAME = "dovetail-login-timeout";
  static final String BYE = "* BYE Disconnected for inactivity.";

  private LoginTimeout() {}

  static LoginDeadline handler(Duration timeout) {
    return new LoginDeadline(timeout, LoginTimeout::loggedIn, BYE);
  }

  private static boolean loggedIn(Channel channel) {
    ImapSession session = channel.attr(NettyConstants.IMAP_SESSION_ATTRIBUTE_KEY).get();
    return session != null && session.getState() != ImapSessionState.NON_AUTHENTICATED;
  }
}
