package dovetail.proxy.imap;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.james.imap.api.ImapSessionState;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imapserver.netty.NettyConstants;

/**
 * A connection that has not logged in and is silent for {@code timeout} is told {@value #BYE} and closed, as
 * Dovecot's imap-login does after 3 minutes; James's own idle timeout is the 30 minutes RFC 3501 allows a logged-in
 * session, so a client could hold a connection and its file descriptor without ever logging in (walk-through 6, W9).
 * Once the session is logged in this handler leaves the pipeline.
 */
final class LoginTimeout extends IdleStateHandler {
  static final String NAME = "dovetail-login-timeout";
  static final String BYE = "* BYE Disconnected for inactivity.";

  LoginTimeout(Duration timeout) {
    super(0, 0, timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) throws Exception {
    if (event.state() != IdleState.ALL_IDLE) {
      super.channelIdle(ctx, event);
      return;
    }
    ImapSession session = ctx.channel().attr(NettyConstants.IMAP_SESSION_ATTRIBUTE_KEY).get();
    if (session != null && session.getState() != ImapSessionState.NON_AUTHENTICATED) {
      ctx.pipeline().remove(this);
      return;
    }
    ctx.channel().writeAndFlush(Unpooled.copiedBuffer(BYE + "\r\n", StandardCharsets.US_ASCII))
        .addListener(ChannelFutureListener.CLOSE);
  }
}
