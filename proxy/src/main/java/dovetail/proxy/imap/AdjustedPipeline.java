package dovetail.proxy.imap;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import java.util.function.Consumer;
import org.apache.james.protocols.netty.AbstractChannelPipelineFactory;

/**
 * A James listener's Netty pipeline, built as James builds it and then adjusted: the one way Dovetail changes the
 * handlers of a James server (IMAP's framing, POP3's command pool).
 */
public final class AdjustedPipeline {
  private AdjustedPipeline() {}

  /**
   * @param james the factory James would use
   * @param adjust changes a channel's pipeline right after James built it (its handlers are added, not yet active)
   */
  public static AbstractChannelPipelineFactory<SocketChannel> of(AbstractChannelPipelineFactory<?> james,
      Consumer<ChannelPipeline> adjust) {
    // James's servers take an AbstractChannelPipelineFactory; its framer, executor and handler are used only by
    // the initChannel overridden here, so none is given.
    return new AbstractChannelPipelineFactory<SocketChannel>(null, null) {
      @Override
      protected ChannelInboundHandlerAdapter createHandler() {
        throw new UnsupportedOperationException("not called: initChannel is overridden");
      }

      @Override
      protected void initChannel(SocketChannel channel) {
        // James's initializer builds its pipeline as soon as it is added to this registered channel.
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast(james);
        adjust.accept(pipeline);
      }
    };
  }
}
