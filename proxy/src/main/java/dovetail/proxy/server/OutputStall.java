package dovetail.proxy.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client that has stopped reading what it asked for is disconnected once its output has not moved for
 * {@code timeout}, as Dovecot does ("Disconnected for inactivity in reading our output", 5 minutes for IMAP): the
 * server stops writing to such a connection, but the session, its socket, a few MB of kernel buffer and its selected
 * folder were held for as long as the client's TCP stack answered (walk-through 14, L6). A connection with nothing
 * waiting to be sent is not touched, however long it is quiet; one whose output still moves, however slowly, neither.
 */
public final class OutputStall extends IdleStateHandler {
  public static final String NAME = "dovetail-output-stall";
  private static final Logger LOG = LoggerFactory.getLogger(OutputStall.class);

  private final Duration timeout;

  public OutputStall(Duration timeout) {
    super(true, 0, timeout.toMillis(), 0, TimeUnit.MILLISECONDS); // true: a write that makes progress counts
    this.timeout = timeout;
  }

  @Override
  protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
    if (event.state() != IdleState.WRITER_IDLE) {
      return;
    }
    ChannelOutboundBuffer waiting = ctx.channel().unsafe().outboundBuffer();
    if (waiting != null && waiting.totalPendingWriteBytes() > 0) {
      LOG.info("disconnected for inactivity in reading our output ({} s without progress, {} bytes waiting; client {})",
          timeout.toSeconds(), waiting.totalPendingWriteBytes(), ctx.channel().remoteAddress());
      ctx.close();
    }
  }
}
