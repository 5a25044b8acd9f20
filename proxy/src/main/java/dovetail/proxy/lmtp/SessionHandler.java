package dovetail.proxy.lmtp;

import dovetail.proxy.server.ClientDisconnects;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.unix.DomainSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.apache.james.protocols.api.Protocol;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.netty.BasicChannelInboundHandler;
import org.apache.james.protocols.netty.NettyProtocolTransport;
import org.apache.james.protocols.netty.ProtocolMDCContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * James's connection handler (commands, hooks, per-recipient replies), run on the session's own executor, with three
 * additions: the pieces of a line too long for one frame go to {@link LinePieces}, each handled piece is reported to
 * the {@link ReadThrottle}, and a Unix-socket client gets a session (James's transport assumes an IP address and
 * fails on anything else).
 */
final class SessionHandler extends BasicChannelInboundHandler {
  private static final Logger LOG = LoggerFactory.getLogger(SessionHandler.class);
  /** Set on sessions that came in over the Unix socket: they have no client IP (Dovecot omits it from Received). */
  static final ProtocolSession.AttachmentKey<Boolean> UNIX_SOCKET =
      ProtocolSession.AttachmentKey.of("dovetail-lmtp-unix", Boolean.class);

  private final ReadThrottle throttle;
  private final LinePieces pieces = new LinePieces();

  SessionHandler(Protocol protocol, ReadThrottle throttle) {
    super(new ProtocolMDCContextFactory.Standard(), protocol, null, false);
    this.throttle = throttle;
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
    int bytes = msg instanceof ByteBuf b ? b.readableBytes() : 0;
    ProtocolSession session = (ProtocolSession) ctx.channel().attr(SESSION_ATTRIBUTE_KEY).get();
    try {
      if (!(msg instanceof ByteBuf piece && session != null && pieces.take(session, piece))) {
        super.channelRead(ctx, msg);
      }
    } finally {
      throttle.handled(bytes);
    }
  }

  @Override
  protected ProtocolSession createSession(ChannelHandlerContext ctx) {
    if (!(ctx.channel() instanceof DomainSocketChannel)) {
      return super.createSession(ctx);
    }
    ProtocolSession session = protocol.newSession(new UnixTransport(ctx.channel()));
    session.setAttachment(UNIX_SOCKET, Boolean.TRUE, ProtocolSession.State.Connection);
    return session;
  }

  /** The loopback address stands in for the peer of a Unix socket wherever James needs an IP (its logs, MDC). */
  private static final class UnixTransport extends NettyProtocolTransport {
    private static final InetSocketAddress LOCAL = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    UnixTransport(Channel channel) {
      super(channel, null, false);
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
      return LOCAL;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
      return LOCAL;
    }
  }
}
