package dovetail.proxy.pop3;

import dovetail.proxy.imap.HeldReads;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.james.protocols.api.CommandDetectionSession;
import org.apache.james.protocols.netty.AbstractChannelPipelineFactory;
import org.apache.james.protocols.netty.ChannelHandlerFactory;
import org.apache.james.protocols.netty.CommandInjectionDetectedException;

/**
 * POP3's line framer: James 3.8.1's (AllButStartTlsLineBasedChannelHandler: lines of at most
 * {@link AbstractChannelPipelineFactory#MAX_LINE_LENGTH} bytes, delimiters kept, and no command injection across
 * STLS), with two changes, so that one client's input cannot stall the other connections, which share the few
 * threads this framer runs on (Pop3Service's LINE_THREADS).
 *
 * <ul>
 *   <li>It cuts lines only while the connection's {@link PendingInput} is not over its bound, and takes up what
 *       waits once the lines cut before are answered down ({@link PendingInput#onRelease}). James's cut every line
 *       it had read at once; so no more than the bound (and one line) is ever cut and unanswered, and a turn of
 *       this framer for one connection cuts no more than that.
 *   <li>Its STLS check looks at the line it cuts and whether anything follows it: linear. James's re-read all the
 *       input still buffered, as a string split into lines, for every line it cut, which is quadratic in what was
 *       buffered: a client that streamed MB of pipelined NOOPs kept a framer thread busy for about a minute, and
 *       every connection on that thread waited (its greeting too).
 * </ul>
 *
 * <p>The STLS check (CVE-2011-0411, STARTTLS command injection; RFC 2595 section 4): while the session detects
 * command injection (until TLS is on after STLS; always on pop3s, as James's), a line that begins with STLS and is
 * not STLS alone, an STLS with any input after it, and any input after an STLS line (until TLS is on) close the
 * connection (James's CommandInjectionDetectedException, to Pop3ConnectionHandler). So nothing sent in plain text
 * with or after STLS is ever taken as a command of the TLS session. An STLS that was refused starts no TLS session:
 * what comes after its answer is the next command. Unlike James's, lines before an STLS in the same
 * packet are not refused: they are cut and answered before it, in plain text, as they were sent.
 */
final class Pop3LineFramer extends LineBasedFrameDecoder {
  /** The factory Pop3Server gives James: one framer per connection. */
  static final ChannelHandlerFactory FACTORY = pipeline -> new Pop3LineFramer();

  /** Where James's connection handler keeps the session (BasicChannelInboundHandler's key). */
  private static final AttributeKey<CommandDetectionSession> SESSION = AttributeKey.valueOf("session");
  private static final byte[] STLS = "stls".getBytes(StandardCharsets.US_ASCII);

  /** An STLS was cut and TLS is not on yet: any more input is injected. Only on this framer's thread. */
  private boolean stlsInFlight;
  /** Whether TLS was on when that STLS came: then no handshake follows it. */
  private boolean tlsAtStls;
  /** An injection was found: the connection is being closed, and nothing more is cut. */
  private boolean refused;

  private Pop3LineFramer() {
    // As James's: lines up to its maximum, delimiters kept, a too long line reported once it has ended.
    super(AbstractChannelPipelineFactory.MAX_LINE_LENGTH, false, false);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    super.handlerAdded(ctx);
    PendingInput.of(ctx.channel()).onRelease(() -> ctx.executor().execute(() -> takeUp(ctx)));
  }

  @Override
  protected Object decode(ChannelHandlerContext ctx, ByteBuf buffer) throws Exception {
    if (refused) {
      buffer.skipBytes(buffer.readableBytes());
      return null;
    }
    PendingInput pending = PendingInput.of(ctx.channel());
    if (pending.held()) {
      return null; // taken up again by takeUp once lines are answered
    }
    boolean detecting = detectsInjection(ctx);
    if (detecting && stlsInFlight && buffer.isReadable()) {
      if (!tlsAtStls && hasTls(ctx)) {
        throw refuse(buffer); // plain text that came before the TLS handshake
      }
      // The STLS was answered (reading waits while it is, see Pop3ConnectionHandler) and refused: no TLS session
      // will start that input could be smuggled into, so this is the client's next command.
      stlsInFlight = false;
    }
    Object frame = super.decode(ctx, buffer);
    if (frame instanceof ByteBuf line) {
      if (detecting && startsWithStls(line)) {
        if (!isStlsAlone(line) || buffer.isReadable()) {
          line.release();
          throw refuse(buffer);
        }
        stlsInFlight = true;
        tlsAtStls = hasTls(ctx); // pop3s: TLS is on already, and this STLS is refused
      }
      pending.framed(line.readableBytes());
    }
    return frame;
  }

  private CommandInjectionDetectedException refuse(ByteBuf buffer) {
    refused = true;
    buffer.skipBytes(buffer.readableBytes());
    return new CommandInjectionDetectedException();
  }

  /** On this framer's thread: cuts the lines that waited while the connection was over its bound. */
  private void takeUp(ChannelHandlerContext ctx) {
    if (ctx.isRemoved() || !ctx.channel().isActive()) {
      return;
    }
    try {
      channelRead(ctx, Unpooled.EMPTY_BUFFER);
    } catch (Exception e) {
      ctx.fireExceptionCaught(e);
    }
  }

  private static boolean hasTls(ChannelHandlerContext ctx) {
    return ctx.pipeline().get(SslHandler.class) != null;
  }

  private static boolean detectsInjection(ChannelHandlerContext ctx) {
    CommandDetectionSession session = ctx.channel().attr(SESSION).get();
    return session == null || session.needsCommandInjectionDetection();
  }

  /** Whether the line, leading white space aside, begins with "stls" in any case (as James's check). */
  private static boolean startsWithStls(ByteBuf line) {
    int i = line.readerIndex();
    int end = line.writerIndex();
    while (i < end && Character.isWhitespace(line.getByte(i))) {
      i++;
    }
    if (end - i < STLS.length) {
      return false;
    }
    for (byte b : STLS) {
      if (Character.toLowerCase(line.getByte(i++)) != b) {
        return false;
      }
    }
    return true;
  }

  /** Whether the line is STLS and nothing else, white space aside. Only for a line that begins with STLS. */
  private static boolean isStlsAlone(ByteBuf line) {
    return line.toString(StandardCharsets.US_ASCII).trim().toLowerCase(Locale.ROOT).equals("stls");
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
