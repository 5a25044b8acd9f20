package dovetail.proxy.imap;

import dovetail.proxy.auth.LoginSessionEnd;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imapserver.netty.NettyConstants;

/**
 * Every end of an IMAP session closes its connection (LOGOUT, a dropped line, the idle timeout, a BYE after a failure),
 * so this is where the end of its login is reported ({@link LoginSessionEnd}). It sits before James's handler, which
 * forgets the connection's session when it sees the close.
 */
@ChannelHandler.Sharable
final class LoginEndOnClose extends ChannelInboundHandlerAdapter {
  static final String NAME = "dovetail-login-end";
  static final LoginEndOnClose INSTANCE = new LoginEndOnClose();

  private LoginEndOnClose() {}

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    ImapSession session = ctx.channel().attr(NettyConstants.IMAP_SESSION_ATTRIBUTE_KEY).get();
    if (session != null) {
      LoginSessionEnd.end(session.getMailboxSession());
    }
    super.channelInactive(ctx);
  }
}
