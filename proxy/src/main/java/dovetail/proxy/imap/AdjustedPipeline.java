package dovetail.proxy.imap;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.james.protocols.netty.AbstractChannelPipelineFactory;
import org.apache.james.protocols.netty.ChannelHandlerFactory;

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
      ChannelHandlerFactory frameHandlerFactory, EventExecutorGroup executorGroup,
      Supplier<ChannelInboundHandlerAdapter> coreHandler, Consumer<ChannelPipeline> adjust) {
    return new AbstractChannelPipelineFactory<SocketChannel>(frameHandlerFactory, executorGroup) {
      @Override
      protected ChannelInboundHandlerAdapter createHandler() {
        return coreHandler.get();
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
