package dovetail.proxy.pop3;

import dovetail.proxy.server.ClientDisconnects;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.nio.charset.StandardCharsets;
import org.apache.james.protocols.api.Protocol;
import org.apache.james.protocols.netty.BasicChannelInboundHandler;
import org.apache.james.protocols.netty.Encryption;
import org.apache.james.protocols.netty.ProtocolMDCContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * James's POP3 connection handler, on Pop3Server's command pool, which tells the connection's {@link PendingInput}
 * when a line is answered, so that reading, stopped while too much waits, starts again.
 *
 * <p>It also stops reading while it answers STLS. James writes STLS's +OK and only then puts the SslHandler in front
 * (NettyProtocolTransport.writeToClient). Where James runs this handler, on the event loop, nothing can be read in
 * between; on the command pool, a client that answered the +OK at once had its TLS ClientHello read as plain text
 * (the line framer then reports a command injection and closes the connection). Reading starts again once the
 * SslHandler is in place: the event loop adds it before it reads again.
 */
final class Pop3ConnectionHandler extends BasicChannelInboundHandler {
  private static final Logger LOG = LoggerFactory.getLogger(Pop3ConnectionHandler.class);
  Pop3ConnectionHandler(Protocol protocol, Encryption encryption) {
    super(new ProtocolMDCContextFactory.Standard(), protocol, encryption, false);
  }

  /** A client that went away: {@link ClientDisconnects}. Other failures go on to James's handler. */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
    if (!ClientDisconnects.handled(LOG, ctx, cause)) {
      super.exceptionCaught(ctx, cause);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (!(msg instanceof ByteBuf line)) {
      super.channelRead(ctx, msg);
      return;
    }
    // Counted by Pop3LineFramer; James releases the line.
    int size = line.readableBytes();
    PendingInput pending = PendingInput.of(ctx.channel());
    boolean stls = isStls(line);
    if (stls) {
      pending.holdForTls(true);
    }
    try {
      super.channelRead(ctx, msg);
    } finally {
      if (stls) {
        pending.holdForTls(false);
      }
      pending.answered(size);
    }
  }

  private static boolean isStls(ByteBuf line) {
    return line.readableBytes() <= 8 && line.toString(StandardCharsets.US_ASCII).trim().equalsIgnoreCase("STLS");
  }
}
