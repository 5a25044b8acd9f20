package dovetail.proxy.lmtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Cuts the LMTP input into lines, line ends kept, as James's framer did; but a line longer than
 * {@link #MAX_COMMAND_LINE} is passed on in pieces of that size rather than refused. Inside DATA such lines are
 * ordinary mail (base64 without line breaks, long HTML lines: RFC 5322's 998 is a SHOULD that real MTAs pass beyond),
 * and they reach the disk piece by piece, never held whole; outside DATA the session refuses them ({@link LinePieces}).
 *
 * <p>A piece ends a line exactly when its last byte is LF: a piece cut short of a line end has no LF at all.
 */
final class LmtpLineFramer extends ByteToMessageDecoder {
  /**
   * The longest command line, its line end included: Dovecot's (lib-smtp: a command name of at most 32 letters, a
   * space, and SMTP_COMMAND_DEFAULT_MAX_PARAMETERS_SIZE, 4 KiB, of parameters). Also the size of the pieces a longer
   * line is cut into.
   */
  static final int MAX_COMMAND_LINE = 32 + 1 + 4096 + 2;

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int start = in.readerIndex();
    int lf = in.indexOf(start, start + Math.min(in.readableBytes(), MAX_COMMAND_LINE), (byte) '\n');
    if (lf >= 0) {
      out.add(in.readRetainedSlice(lf + 1 - start));
    } else if (in.readableBytes() >= MAX_COMMAND_LINE) {
      out.add(in.readRetainedSlice(MAX_COMMAND_LINE));
    }
  }
}
