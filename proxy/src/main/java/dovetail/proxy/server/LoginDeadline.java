package dovetail.proxy.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A connection that has not logged in {@code timeout} after it connected is told {@code bye} and closed, as
 * Dovecot's login processes do after 3 minutes, whatever the client sent meanwhile: an idle timer let a client that
 * sends a byte or a NOOP now and then hold its connection, and a file descriptor, forever (walk-through 19, F4).
 */
public final class LoginDeadline extends ChannelInboundHandlerAdapter {
  private final Duration timeout;
  private final Predicate<Channel> loggedIn;
  private final String bye;
  private ScheduledFuture<?> deadline;

  /** @param bye the line the client is told, without its line end */
  public LoginDeadline(Duration timeout, Predicate<Channel> loggedIn, String bye) {
    this.timeout = timeout;
    this.loggedIn = loggedIn;
    this.bye = bye;
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
    if (loggedIn.test(ctx.channel())) {
      ctx.pipeline().remove(this);
      return;
    }
    ctx.channel().writeAndFlush(Unpooled.copiedBuffer(bye + "\r\n", StandardCharsets.US_ASCII))
        .addListener(ChannelFutureListener.CLOSE);
  }
}
