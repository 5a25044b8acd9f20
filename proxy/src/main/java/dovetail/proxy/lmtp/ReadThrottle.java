package dovetail.proxy.lmtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Backpressure for one connection. Lines leave the framer on the I/O thread and wait in the session executor's
 * queue until the session has handled them (for DATA: written them to disk). Without a bound, a client that sends
 * faster than the disk takes fills the heap with queued lines; so reading stops (autoRead off) while more than
 * {@link #HIGH} bytes wait, and starts again when they are down to {@link #LOW}. TCP's own flow control then
 * holds the client.
 *
 * <p>Pausing and resuming both run on the channel's event loop, so they cannot interleave. A resume is posted each
 * time the count falls to {@link #LOW}; a pause happens only while the count is above {@link #HIGH}, so every pause
 * is followed by such a fall and its resume.
 */
final class ReadThrottle extends ChannelInboundHandlerAdapter {
  static final long HIGH = 1 << 20;
  static final long LOW = 256 << 10;

  private final AtomicLong waiting = new AtomicLong();
  private volatile Channel channel;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  /** On the I/O thread, after the framer: a line goes to the session's queue. */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf line) {
      waiting.addAndGet(line.readableBytes());
    }
    ctx.fireChannelRead(msg);
    if (waiting.get() > HIGH && ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(false);
    }
  }

  /** On the session's executor, once a line of {@code bytes} is handled. */
  void handled(int bytes) {
    long now = waiting.addAndGet(-bytes);
    Channel c = channel;
    if (c != null && now <= LOW && now + bytes > LOW) {
      c.eventLoop().execute(() -> {
        if (waiting.get() <= LOW && !c.config().isAutoRead()) {
          c.config().setAutoRead(true);
        }
      });
    }
  }

  /** Bytes read but not handled yet (for tests). */
  long waiting() {
    return waiting.get();
  }
}
