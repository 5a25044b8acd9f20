package dovetail.proxy.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.nio.charset.StandardCharsets;
import org.apache.james.protocols.api.Protocol;
import org.apache.james.protocols.netty.BasicChannelInboundHandler;
import org.apache.james.protocols.netty.Encryption;
import org.apache.james.protocols.netty.ProtocolMDCContextFactory;

/**
 * James's POP3 connection handler, which stops reading while it answers STLS. James writes STLS's +OK and only then
 * puts the SslHandler in front (NettyProtocolTransport.writeToClient). Where James runs this handler, on the event
 * loop, nothing can be read in between; on Pop3Server's command pool, a client that answered the +OK at once had its
 * TLS ClientHello read as plain text (James's framer then reports a command injection and closes the connection).
 * Reading starts again once the SslHandler is in place: the event loop adds it before it reads again.
 */
final class Pop3ConnectionHandler extends BasicChannelInboundHandler {
  Pop3ConnectionHandler(Protocol protocol, Encryption encryption) {
    super(new ProtocolMDCContextFactory.Standard(), protocol, encryption, false);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    boolean stls = msg instanceof ByteBuf line && isStls(line);
    if (stls) {
      ctx.channel().config().setAutoRead(false);
    }
    try {
      super.channelRead(ctx, msg);
    } finally {
      if (stls) {
        ctx.channel().config().setAutoRead(true);
      }
    }
  }

  private static boolean isStls(ByteBuf line) {
    return line.readableBytes() <= 8 && line.toString(StandardCharsets.US_ASCII).trim().equalsIgnoreCase("STLS");
  }
}
