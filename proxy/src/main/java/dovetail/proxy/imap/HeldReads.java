package dovetail.proxy.imap;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * For a {@link ByteToMessageDecoder} in a pipeline whose reading is paused (autoRead off) to hold a client to a
 * bound. ByteToMessageDecoder asks for one more read after every read that decoded nothing while autoRead is off
 * (for a decoder that still needs the rest of a frame); while reading is paused to hold the client, those reads take
 * in everything it sends, one read after another, and the pause holds nothing. Used by IMAP's ImapFrameDecoder and
 * POP3's line framer.
 */
public final class HeldReads {
  /** A decoder's own {@code super.channelReadComplete(ctx)}. */
  @FunctionalInterface
  public interface ReadComplete {
    void run() throws Exception;
  }

  private HeldReads() {}

  /**
   * What a decoder's channelReadComplete does: ByteToMessageDecoder's own while reading is on, and while it is
   * paused only passes the event on, asking for no read.
   */
  public static void channelReadComplete(ChannelHandlerContext ctx, ReadComplete decoders) throws Exception {
    if (ctx.channel().config().isAutoRead()) {
      decoders.run();
    } else {
      ctx.fireChannelReadComplete();
    }
  }
}
