package dovetail.proxy.server;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener that cannot accept a connection (most often the open files limit is used up) stops accepting for a
 * second, as Netty's acceptor does, and says so in one WARN line at most every 10 s, with the count since the last
 * one. Left to Netty, each refused accept logged a stack trace of 17 lines (walk-through 9, W9).
 */
@ChannelHandler.Sharable
public final class AcceptFailures extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(AcceptFailures.class);
  private static final long PAUSE_MILLIS = 1_000;
  private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final String listener;
  private long lastLogged;
  private boolean logged;
  private long unlogged;

  /** @param listener the protocol, for the log line (IMAP, POP3, LMTP) */
  public AcceptFailures(String listener) {
    this.listener = listener;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof IOException)) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    ChannelConfig config = ctx.channel().config();
    if (config.isAutoRead()) {
      config.setAutoRead(false);
      ctx.channel().eventLoop().schedule(() -> config.setAutoRead(true), PAUSE_MILLIS, TimeUnit.MILLISECONDS);
    }
    note(cause);
  }

  private synchronized void note(Throwable cause) {
    unlogged++;
    long now = System.nanoTime();
    if (logged && now - lastLogged < QUIET_NANOS) {
      return;
    }
    OptionalLong limit = OpenFilesLimit.max();
    LOG.warn("{}: cannot accept new connections ({}{}): they wait until others close ({} failed accepts since the"
        + " last such line)", listener, cause.getMessage(),
        limit.isPresent() ? "; ulimit -n is " + limit.getAsLong() : "", unlogged);
    logged = true;
    lastLogged = now;
    unlogged = 0;
  }
}
