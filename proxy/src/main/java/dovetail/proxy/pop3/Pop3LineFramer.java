package dovetail.proxy.pop3;

import dovetail.proxy.imap.HeldReads;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import org.apache.james.protocols.netty.AbstractChannelPipelineFactory;
import org.apache.james.protocols.netty.AllButStartTlsLineBasedChannelHandler;
import org.apache.james.protocols.netty.ChannelHandlerFactory;

/**
 * James's POP3 line framer (lines after STLS are not read before the TLS handshake: no command injection across
 * STLS), which counts each line it hands on in the connection's {@link PendingInput}, so that reading stops while
 * too much waits unanswered; and which, while reading is stopped so, asks for no more reads ({@link HeldReads}).
 */
final class Pop3LineFramer extends AllButStartTlsLineBasedChannelHandler {
  /** The factory Pop3Server gives James: one framer per connection. */
  static final ChannelHandlerFactory FACTORY = Pop3LineFramer::new;

  private Pop3LineFramer(ChannelPipeline pipeline) {
    super(pipeline, AbstractChannelPipelineFactory.MAX_LINE_LENGTH, false, "stls");
  }

  @Override
  protected Object decode(ChannelHandlerContext ctx, ByteBuf buffer) throws Exception {
    Object frame = super.decode(ctx, buffer);
    if (frame instanceof ByteBuf line) {
      PendingInput.of(ctx.channel()).framed(line.readableBytes());
    }
    return frame;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    HeldReads.channelReadComplete(ctx, () -> super.channelReadComplete(ctx));
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    PendingInput.of(ctx.channel()).writabilityChanged();
    super.channelWritabilityChanged(ctx);
  }
}
