package dovetail.proxy.imap;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.james.imap.api.ImapSessionState;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imapserver.netty.NettyConstants;

/**
 * A connection that has not logged in {@code timeout} after it connected is told {@value #BYE} and closed, as
 * Dovecot's imap-login does after 3 minutes, whatever the client sent meanwhile: an idle timer let a client that
 * sends a byte or a NOOP now and then hold its connection, and a file descriptor, forever (walk-through 19, F4).
 * James's own idle timeout is the 30 minutes RFC 3501 allows a logged-in session (walk-through 6, W9).
 */
final class LoginTimeout extends ChannelInboundHandlerAdapter {
  static final String NAME = "dovetail-login-timeout";
  static final String BYE = "* BYE Disconnected for inactivity.";

  private final Duration timeout;
  private ScheduledFuture<?> deadline;

  LoginTimeout(Duration timeout) {
    this.timeout = timeout;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      arm(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    arm(ctx);
    super.channelActive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (deadline != null) {
      deadline.cancel(false);
    }
  }

  private void arm(ChannelHandlerContext ctx) {
    if (deadline == null) {
      deadline = ctx.executor().schedule(() -> expire(ctx), timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void expire(ChannelHandlerContext ctx) {
    ImapSession session = ctx.channel().attr(NettyConstants.IMAP_SESSION_ATTRIBUTE_KEY).get();
    if (session != null && session.getState() != ImapSessionState.NON_AUTHENTICATED) {
      ctx.pipeline().remove(this);
      return;
    }
    ctx.channel().writeAndFlush(Unpooled.copiedBuffer(BYE + "\r\n", StandardCharsets.US_ASCII))
        .addListener(ChannelFutureListener.CLOSE);
  }
}
