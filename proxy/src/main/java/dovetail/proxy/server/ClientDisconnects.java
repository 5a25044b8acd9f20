package dovetail.proxy.server;

import io.netty.channel.ChannelHandlerContext;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;

/**
 * A connection the client reset, or whose network went, is an ordinary end of a session, as Dovecot logs it: one INFO
 * line, not James's ERROR "Unable to process request" with a stack trace (walk-through 14, L7: a mobile POP3 client
 * that loses its network did that all day, and an operator's alerting on ERROR fired). TLS failures are not this.
 */
public final class ClientDisconnects {
  private ClientDisconnects() {}

  /** Logs and closes when {@code cause} is the client going away; false for anything else (the caller goes on). */
  public static boolean handled(Logger log, ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof IOException) || cause instanceof SSLException) {
      return false;
    }
    log.info("disconnected: {} (client {})", cause.getMessage(), ctx.channel().remoteAddress());
    ctx.close();
    return true;
  }
}
