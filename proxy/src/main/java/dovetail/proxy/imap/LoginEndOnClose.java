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
 *
 * <p>A login checks its password on another thread, for seconds when the legacy server is slow, and a client may give
 * up and close meanwhile: the close then finds no login to end, and the login, once through, must end itself
 * ({@link #loginFinished}). Each side writes what it knows before it reads what the other wrote (both volatile), so at
 * least one of them sees both; the end is reported once either way.
 */
@ChannelHandler.Sharable
final class LoginEndOnClose extends ChannelInboundHandlerAdapter {
  static final String NAME = "dovetail-login-end";
  static final LoginEndOnClose INSTANCE = new LoginEndOnClose();
  private static final String CLOSED = "dovetail.imap.CONNECTION_CLOSED";

  /** Put in the session before its first command is read, and only read after that (the map is a plain HashMap). */
  private static final class Closed {
    volatile boolean closed;
  }

  private LoginEndOnClose() {}

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    super.channelActive(ctx); // James's handler makes the session
    ImapSession session = ctx.channel().attr(NettyConstants.IMAP_SESSION_ATTRIBUTE_KEY).get();
    if (session != null) {
      session.setAttribute(CLOSED, new Closed());
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    ImapSession session = ctx.channel().attr(NettyConstants.IMAP_SESSION_ATTRIBUTE_KEY).get();
    if (session != null) {
      if (session.getAttribute(CLOSED) instanceof Closed marker) {
        marker.closed = true;
      }
      LoginSessionEnd.end(session.getMailboxSession());
    }
    super.channelInactive(ctx);
  }

  /** A login has set the session's mailbox session: if the connection closed meanwhile, its end is reported now. */
  static void loginFinished(ImapSession session) {
    if (session.getAttribute(CLOSED) instanceof Closed marker && marker.closed) {
      LoginSessionEnd.end(session.getMailboxSession());
    }
  }
}
