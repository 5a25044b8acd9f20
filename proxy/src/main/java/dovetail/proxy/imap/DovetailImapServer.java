package dovetail.proxy.imap;

import java.nio.file.Path;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.decode.ImapDecoder;
import org.apache.james.imap.encode.ImapEncoder;
import org.apache.james.imapserver.netty.IMAPServer;
import org.apache.james.imapserver.netty.ImapMetrics;
import org.apache.james.imapserver.netty.NettyConstants;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.protocols.netty.AbstractChannelPipelineFactory;

/**
 * James's IMAPServer with Dovetail's framing: each connection's pipeline is the one IMAPServer builds (TLS,
 * timeouts, connection limits, James's connection handler), except that James's line framer and
 * ImapRequestFrameDecoder, where pipelined commands went wrong, give way to one {@link ImapFrameDecoder}.
 */
public final class DovetailImapServer extends IMAPServer {
  private final ImapDecoder decoder;
  private final CommandCompletion completion;
  private final FrameLimits limits;
  private final Path spoolDir;

  public DovetailImapServer(ImapDecoder decoder, ImapEncoder encoder, ImapProcessor processor, ImapMetrics metrics,
      GaugeRegistry gauges) {
    this(decoder, encoder, new CommandCompletion(processor), metrics, gauges, FrameLimits.DEFAULT,
        Path.of(System.getProperty("java.io.tmpdir")));
  }

  DovetailImapServer(ImapDecoder decoder, ImapEncoder encoder, ImapProcessor processor, ImapMetrics metrics,
      GaugeRegistry gauges, FrameLimits limits, Path spoolDir) {
    this(decoder, encoder, new CommandCompletion(processor), metrics, gauges, limits, spoolDir);
  }

  private DovetailImapServer(ImapDecoder decoder, ImapEncoder encoder, CommandCompletion completion,
      ImapMetrics metrics, GaugeRegistry gauges, FrameLimits limits, Path spoolDir) {
    super(decoder, encoder, completion, metrics, gauges);
    this.decoder = decoder;
    this.completion = completion;
    this.limits = limits;
    this.spoolDir = spoolDir;
  }

  @Override
  protected AbstractChannelPipelineFactory createPipelineFactory() {
    return AdjustedPipeline.of(super.createPipelineFactory(), pipeline -> {
      pipeline.remove(NettyConstants.FRAMER);
      pipeline.replace(NettyConstants.REQUEST_DECODER, NettyConstants.REQUEST_DECODER,
          new ImapFrameDecoder(decoder, completion, limits, spoolDir));
    });
  }
}
