package dovetail.proxy.imap;

import dovetail.proxy.server.OutputStall;
import dovetail.proxy.server.AcceptFailures;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.group.ChannelGroup;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.decode.ImapDecoder;
import org.apache.james.imap.encode.ImapEncoder;
import org.apache.james.imapserver.netty.IMAPServer;
import org.apache.james.imapserver.netty.ImapMetrics;
import org.apache.james.imapserver.netty.NettyConstants;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.protocols.netty.AbstractChannelPipelineFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * James's IMAPServer with Dovetail's framing: each connection's pipeline is the one IMAPServer builds (TLS,
 * timeouts, connection limits, James's connection handler), except that James's line framer and
 * ImapRequestFrameDecoder, where pipelined commands went wrong, give way to one {@link ImapFrameDecoder}.
 */
public final class DovetailImapServer extends IMAPServer {
  private static final Logger LOG = LoggerFactory.getLogger(DovetailImapServer.class);

  private final ImapDecoder decoder;
  private final CommandCompletion completion;
  private final FrameLimits limits;
  private final Path spoolDir;
  /** Every open connection, so that a stopping server can say goodbye ({@link ImapService#close}). */
  private ChannelGroup connections;
  /** How long a connection may stay silent before it logs in ({@link LoginTimeout}); Dovecot's 3 minutes. */
  private Duration loginTimeout = Duration.ofMinutes(3);
  /** How long a client's output may stand still before it is disconnected ({@link OutputStall}); Dovecot's 5 minutes. */
  private Duration outputStall = Duration.ofMinutes(5);

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

  /** How long a connection may stay silent before it logs in; Dovecot's 3 minutes unless set. */
  void outputStall(Duration timeout) {
    this.outputStall = timeout;
  }

  void loginTimeout(Duration timeout) {
    this.loginTimeout = timeout;
  }

  /** Connections from now on join {@code group} (a closed one leaves it by itself). */
  void trackConnections(ChannelGroup group) {
    this.connections = group;
  }

  /** The greeting, as Dovecot's "* OK [CAPABILITY ...] Dovecot ready." says it: no implementation behind it. */
  static final String GREETING = "Dovetail ready.";

  /**
   * James builds its greeting ("JAMES IMAP4rev1 Server NAME is ready.") into a private field here, with no setting to
   * change it; Dovetail stands in for Dovecot, and clients see that line, so the field gets Dovecot's words.
   */
  @Override
  public void doConfigure(HierarchicalConfiguration<ImmutableNode> configuration) throws ConfigurationException {
    super.doConfigure(configuration);
    try {
      Field hello = IMAPServer.class.getDeclaredField("hello");
      hello.setAccessible(true);
      hello.set(this, GREETING);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("IMAP greeting left as James's: {}", e.toString());
    }
  }

  /** An accept that fails (the open files limit) is one log line, not a stack trace per connection. */
  @Override
  protected void configureBootstrap(ServerBootstrap bootstrap) {
    super.configureBootstrap(bootstrap);
    bootstrap.handler(new AcceptFailures("IMAP"));
  }

  @Override
  protected AbstractChannelPipelineFactory createPipelineFactory() {
    return AdjustedPipeline.of(super.createPipelineFactory(), pipeline -> {
      pipeline.remove(NettyConstants.FRAMER);
      pipeline.replace(NettyConstants.REQUEST_DECODER, NettyConstants.REQUEST_DECODER,
          new ImapFrameDecoder(decoder, completion, limits, spoolDir));
      if (connections != null) {
        connections.add(pipeline.channel());
      }
      pipeline.addAfter(NettyConstants.TIMEOUT_HANDLER, LoginTimeout.NAME, LoginTimeout.handler(loginTimeout));
      pipeline.addAfter(LoginTimeout.NAME, OutputStall.NAME, new OutputStall(outputStall));
      pipeline.addBefore(NettyConstants.CORE_HANDLER, LoginEndOnClose.NAME, LoginEndOnClose.INSTANCE);
    });
  }
}
