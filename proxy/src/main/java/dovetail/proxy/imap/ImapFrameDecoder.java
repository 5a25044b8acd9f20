package dovetail.proxy.imap;

import dovetail.proxy.server.ClientDisconnects;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.ImapSessionState;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.decode.ImapDecoder;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.apache.james.imapserver.netty.NettyConstants;
import org.apache.james.protocols.netty.LineHandlerAware;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dovetail's replacement for James's line framer and ImapRequestFrameDecoder: it cuts the input into whole
 * commands with a {@link CommandFramer}, has James's {@link ImapDecoder} decode each one from its frame, and
 * hands on one command at a time: the next is framed only once the one before has been processed (signalled by
 * {@link CommandCompletion}). So a pipelined command is decoded against the state that the commands before it
 * left, its synchronizing literal is asked for ("+") after their responses, and bytes that a client sends ahead
 * wait in a buffer of bounded size (reading pauses beyond {@link FrameLimits#readAhead()}).
 *
 * <p>While a processor has pushed a line handler (IDLE waiting for DONE, AUTHENTICATE for the client's answer),
 * whole lines go to it instead, one at a time and off the event loop, on {@link LoginThreads} as LOGIN: AUTHENTICATE's
 * answer is checked there (a password hash, the legacy server, the failed-login delay), and an event loop serves many
 * other connections.
 *
 * <p>After STARTTLS nothing may follow in plain text: bytes that were sent with it, or arrive before TLS is on,
 * close the connection (RFC 3207 §6 and CVE-2011-0411, STARTTLS command injection).
 */
final class ImapFrameDecoder extends ByteToMessageDecoder implements LineHandlerAware {
  private static final Logger LOG = LoggerFactory.getLogger(ImapFrameDecoder.class);
  private static final HumanReadableText NESTED_TOO_DEEPLY =
      new HumanReadableText("dovetail.imap.NESTED_TOO_DEEPLY", "Command nested too deeply.");
  private static final StatusResponseFactory RESPONSES = new UnpooledStatusResponseFactory();
  private static final byte[] CONTINUE = "+ OK\r\n".getBytes(StandardCharsets.US_ASCII);

  private final ImapDecoder decoder;
  private final CommandCompletion completion;
  private final FrameLimits limits;
  private final CommandFramer framer;
  private final Deque<ChannelInboundHandlerAdapter> lineHandlers = new ConcurrentLinkedDeque<>();

  private ChannelHandlerContext context;
  private boolean processing;
  private boolean lineRunning;
  private boolean startTlsPending;
  private boolean closing;
  private CommandFrame current;

  ImapFrameDecoder(ImapDecoder decoder, CommandCompletion completion, FrameLimits limits, Path spoolDir) {
    this.decoder = decoder;
    this.completion = completion;
    this.limits = limits;
    this.framer = new CommandFramer(limits, spoolDir, this::loggedIn);
  }

  /** Whether this connection's session is authenticated (AUTHENTICATED or SELECTED). */
  private boolean loggedIn() {
    ImapSession session = context == null ? null : context.channel().attr(NettyConstants.IMAP_SESSION_ATTRIBUTE_KEY).get();
    if (session == null) {
      return false;
    }
    ImapSessionState state = session.getState();
    return state == ImapSessionState.AUTHENTICATED || state == ImapSessionState.SELECTED;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    context = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (startTlsPending && msg instanceof ByteBuf bytes && bytes.isReadable() && ctx.pipeline().get(SslHandler.class) == null) {
      bytes.release();
      close(ctx, null);
      return;
    }
    super.channelRead(ctx, msg);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws IOException {
    while (in.isReadable()) {
      if (closing) {
        in.skipBytes(in.readableBytes());
        return;
      }
      // Bytes after a line wait until its handler has returned (and may have popped itself); after a command,
      // until it is answered. Either way, up to the read-ahead. A line handler that the command pushed (IDLE's)
      // waits too: it answers through the command's response buffer, which the command's end is still flushing
      // from another thread (the two once sent IDLE's "+" or tagged OK twice, or lost one).
      ChannelInboundHandlerAdapter lineHandler = lineRunning || processing ? null : lineHandlers.peekFirst();
      if (lineHandler != null) {
        toLineHandler(ctx, in, lineHandler);
        return;
      }
      if (lineRunning || processing || !ctx.channel().isWritable()) {
        if (in.readableBytes() >= limits.readAhead()) {
          ctx.channel().config().setAutoRead(false);
        }
        return;
      }
      CommandFramer.Step step = framer.next(in);
      if (step instanceof CommandFramer.NeedMore) {
        return;
      } else if (step instanceof CommandFramer.Continue) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(CONTINUE));
      } else if (step instanceof CommandFramer.Refuse refuse) {
        ByteBuf reply = Unpooled.copiedBuffer(refuse.reply(), StandardCharsets.US_ASCII);
        if (refuse.close()) {
          close(ctx, reply);
        } else {
          ctx.writeAndFlush(reply);
        }
      } else if (step instanceof CommandFramer.Complete complete) {
        handOn(ctx, complete.frame(), in, out);
        return;
      }
    }
  }

  /**
   * Gives the line handler one whole line, if there is one, on {@link LoginThreads} (the handler is AUTHENTICATE's,
   * checking the password its line carries, or IDLE's); input is taken up again on the event loop once the handler
   * has returned.
   */
  private void toLineHandler(ChannelHandlerContext ctx, ByteBuf in, ChannelInboundHandlerAdapter handler) {
    int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
    if (lf < 0) {
      if (in.readableBytes() > limits.maxLine()) {
        close(ctx, Unpooled.copiedBuffer("* BYE Line too long\r\n", StandardCharsets.US_ASCII));
      }
      return;
    }
    byte[] bytes = new byte[lf - in.readerIndex() + 1];
    in.readBytes(bytes);
    lineRunning = true;
    LoginThreads.SCHEDULER.schedule(() -> {
      Exception failure = null;
      try {
        if (ctx.channel().isActive()) { // a client that has gone gets no answer to its last line
          handler.channelRead(ctx, Unpooled.wrappedBuffer(bytes));
        }
      } catch (Exception e) {
        failure = e;
      }
      Exception failed = failure;
      ctx.executor().execute(() -> {
        lineRunning = false;
        if (failed != null && !ctx.channel().isActive()) {
          // The client left while the handler ran (IDLE's DONE, then a reset): James's session then finds no decoder
          // to pop the handler from (a NullPointerException). Nothing is left to answer.
          LOG.debug("line handler ended after the client left: {}", failed.toString());
        } else if (failed instanceof SessionMustEnd end) {
          LOG.info("session ended: {}", end.getMessage());
          close(ctx, Unpooled.copiedBuffer("* BYE " + end.getMessage() + "\r\n", StandardCharsets.US_ASCII));
          return;
        } else if (failed != null) {
          ctx.fireExceptionCaught(failed);
        }
        if (!loggedOut(ctx)) {
          resume();
        }
      });
    });
  }

  /**
   * Closes the connection of a session that logged out (James ends it so after a third failed login, also from
   * AUTHENTICATE's answer line, where nothing else would close it); true if it did.
   */
  private boolean loggedOut(ChannelHandlerContext ctx) {
    ImapSession session = ctx.channel().attr(NettyConstants.IMAP_SESSION_ATTRIBUTE_KEY).get();
    if (session == null || session.getState() == ImapSessionState.LOGOUT) {
      close(ctx, null);
      return true;
    }
    return false;
  }

  private void handOn(ChannelHandlerContext ctx, CommandFrame frame, ByteBuf in, List<Object> out) {
    if (loggedOut(ctx)) {
      frame.close();
      return;
    }
    ImapSession session = ctx.channel().attr(NettyConstants.IMAP_SESSION_ATTRIBUTE_KEY).get();
    ClientLogins.remember(session, ctx.channel());
    boolean startTls = frame.command().equals("STARTTLS");
    if (startTls && in.isReadable()) {
      LOG.info("closing a connection that sent more after STARTTLS without waiting");
      frame.close();
      close(ctx, null);
      return;
    }
    ImapMessage message = decode(frame, session);
    processing = true;
    startTlsPending = startTls;
    current = frame;
    completion.expect(message, this::processed);
    out.add(message);
  }

  private ImapMessage decode(CommandFrame frame, ImapSession session) {
    try {
      return decoder.decode(new FrameReader(frame), session);
    } catch (RuntimeException e) {
      // A decoder that throws must not cost the connection its place in the command stream.
      LOG.warn("decoding {} failed: {}", frame.command(), e.toString());
      return bad(frame, HumanReadableText.ILLEGAL_ARGUMENTS);
    } catch (StackOverflowError e) {
      // James's parsers recurse per level of nesting (SEARCH's parentheses and NOTs, BODY[1.1.1...]): thousands of
      // levels overflowed the stack, and the connection was dropped or the command never answered (walk-through 13).
      LOG.info("{} refused: nested too deeply to parse", frame.command());
      return bad(frame, NESTED_TOO_DEEPLY);
    }
  }

  private static ImapMessage bad(CommandFrame frame, HumanReadableText text) {
    String tag = frame.tag();
    return tag.equals("*") ? RESPONSES.untaggedBad(text) : RESPONSES.taggedBad(new Tag(tag), null, text);
  }

  /** Called from any thread once the command handed on has been processed. */
  private void processed() {
    context.executor().execute(() -> {
      processing = false;
      startTlsPending = false;
      if (current != null) {
        current.close();
        current = null;
      }
      resume();
    });
  }

  /** Takes up bytes that waited, on the event loop. */
  private void resume() {
    ChannelHandlerContext ctx = context;
    if (!ctx.channel().isActive() || ctx.isRemoved()) {
      return;
    }
    ctx.channel().config().setAutoRead(true);
    try {
      channelRead(ctx, Unpooled.EMPTY_BUFFER);
    } catch (Exception e) {
      ctx.fireExceptionCaught(e);
    }
  }

  private void close(ChannelHandlerContext ctx, ByteBuf lastWords) {
    closing = true;
    framer.discard();
    ctx.writeAndFlush(lastWords == null ? Unpooled.EMPTY_BUFFER : lastWords).addListener(ChannelFutureListener.CLOSE);
  }

  /** Here autoRead is off only to hold the client to the read-ahead (decode): no read is asked for meanwhile. */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    HeldReads.channelReadComplete(ctx, () -> super.channelReadComplete(ctx));
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (ctx.channel().isWritable()) {
      ctx.executor().execute(this::resume);
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    framer.discard();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    // Nothing that was still waiting is run for a client that has gone, and a literal it was sending leaves no
    // temp file behind.
    closing = true;
    framer.discard();
    super.channelInactive(ctx);
  }

  /** A client that went away: {@link ClientDisconnects}. Other failures go on to James's handler. */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
    if (ClientDisconnects.handled(LOG, ctx, cause)) {
      closing = true;
      return;
    }
    super.exceptionCaught(ctx, cause);
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    in.skipBytes(in.readableBytes());
  }

  @Override
  public void pushLineHandler(ChannelInboundHandlerAdapter handler) {
    lineHandlers.addFirst(handler);
    context.executor().execute(this::resume);
  }

  @Override
  public void popLineHandler() {
    lineHandlers.pollFirst();
    context.executor().execute(this::resume);
  }
}
