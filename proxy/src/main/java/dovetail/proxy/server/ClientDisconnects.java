package dovetail.proxy.server;

import io.netty.channel.ChannelHandlerContext;
import java.io.IOException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;

/**
 * A connection the client reset, or whose network went, is an ordinary end of a session, as Dovecot logs it: one INFO
 * line, not James's ERROR "Unable to process request" with a stack trace (walk-through 14, L7: a mobile POP3 client
 * that loses its network did that all day, and an operator's alerting on ERROR fired). TLS failures are not this, nor
 * is an I/O error of the server's own (a full disk while a handler writes a file: review 16, F7), which must stay an
 * error an operator sees.
 */
public final class ClientDisconnects {
  private ClientDisconnects() {}

  /** Logs and closes when {@code cause} is the client going away; false for anything else (the caller goes on). */
  public static boolean handled(Logger log, ChannelHandlerContext ctx, Throwable cause) {
    if (!fromTheConnection(cause) && !(cause instanceof ClosedChannelException && !ctx.channel().isActive())) {
      return false;
    }
    log.info("disconnected: {} (client {})", cause.getMessage(), ctx.channel().remoteAddress());
    ctx.close();
    return true;
  }

  /**
   * Whether {@code cause} is the connection's socket failing. The JDK's socket channels throw a plain IOException
   * ("Connection reset by peer", "Broken pipe"), as its file channels do ("No space left on device"): only where it
   * was thrown tells them apart. Netty's native transports throw their own kind.
   */
  static boolean fromTheConnection(Throwable cause) {
    if (cause instanceof SSLException || !(cause instanceof IOException)) {
      return false;
    }
    // Not ClosedChannelException as such: an interrupted file write throws one too (handled() takes it when the
    // connection is closed, as Netty's own are).
    if (cause instanceof SocketException || cause.getClass().getName().startsWith("io.netty.channel.unix.")) {
      return true;
    }
    for (StackTraceElement frame : cause.getStackTrace()) {
      String where = frame.getClassName();
      if (where.equals("sun.nio.ch.SocketChannelImpl") || where.equals("sun.nio.ch.SocketDispatcher")) {
        return true;
      }
    }
    return false;
  }
}
