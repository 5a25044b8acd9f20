package dovetail.proxy.pop3;

import dovetail.proxy.auth.MasterLoginName;
import dovetail.proxy.imap.AdjustedPipeline;
import dovetail.proxy.imap.PlaintextAuthRule;
import dovetail.proxy.server.AcceptFailures;
import dovetail.proxy.server.LoginDeadline;
import dovetail.proxy.server.OutputStall;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.NonStickyEventExecutorGroup;
import io.netty.util.concurrent.UnorderedThreadPoolEventExecutor;
import java.time.Duration;
import java.util.List;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolConfiguration;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.api.handler.ProtocolHandlerChainImpl;
import org.apache.james.protocols.api.handler.WiringException;
import org.apache.james.protocols.lib.netty.AbstractConfigurableAsyncServer;
import org.apache.james.protocols.netty.AbstractChannelPipelineFactory;
import org.apache.james.protocols.netty.ChannelHandlerFactory;
import org.apache.james.protocols.netty.HandlerConstants;
import org.apache.james.protocols.pop3.POP3Protocol;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.CapaCmdHandler;
import org.apache.james.protocols.pop3.core.DeleCmdHandler;
import org.apache.james.protocols.pop3.core.ListCmdHandler;
import org.apache.james.protocols.pop3.core.NoopCmdHandler;
import org.apache.james.protocols.pop3.core.StatCmdHandler;
import org.apache.james.protocols.pop3.core.UidlCmdHandler;
import org.apache.james.protocols.pop3.core.UnknownCmdHandler;

/**
 * One POP3 listener: James's protocols-pop3 handlers over Netty, with TLS configured exactly as the IMAP
 * listeners (James's configurable server reads the same PEM keys). Dovetail supplies only USER, PASS and the
 * maildrop ({@link Maildrop}); the message commands are James's, which dot-stuff and stream RETR and TOP.
 *
 * <p>Commands run on a pool of their own ({@link #commands}), never on a Netty event loop: James adds its command
 * handler without an executor, so PASS and AUTH (the failed-login delay, the legacy password check, the INBOX
 * migration, which may take minutes) blocked the loop and every other connection that shares it. Each connection
 * gets an ordered executor over the pool's threads (Netty's NonStickyEventExecutorGroup): its commands still run
 * one at a time in the order they came, and a connection that waits holds one thread, not the others' turn. Off
 * the event loop, STLS has to stop reading while it is answered ({@link Pop3ConnectionHandler}), and the lines that
 * wait for their turn are held to a bound ({@link PendingInput}).
 */
final class Pop3Server extends AbstractConfigurableAsyncServer {
  private final PlaintextAuthRule rule;
  private final SessionProvider sessions;
  private final InboxAccess inboxes;
  private final MetricFactory metrics;
  private final EventExecutorGroup commands;
  private final MasterLoginName masterNames;
  private POP3Protocol protocol;
  private final Duration outputStall;
  private final Duration loginTimeout;

  /**
   * @param commands where commands run: {@link #commandPool}, which the caller shuts down
   * @param outputStall how long a client's output may stand still before it is disconnected ({@link OutputStall})
   * @param loginTimeout how long after connecting a client may be without a login ({@link LoginDeadline}); James's
   *     idle timeout of 10 minutes (RFC 1939) covered it, renewed by every command
   */
  Pop3Server(PlaintextAuthRule rule, SessionProvider sessions, MasterLoginName masterNames, InboxAccess inboxes,
      MetricFactory metrics, EventExecutorGroup commands, Duration outputStall, Duration loginTimeout) {
    this.outputStall = outputStall;
    this.loginTimeout = loginTimeout;
    this.rule = rule;
    this.sessions = sessions;
    this.masterNames = masterNames;
    this.inboxes = inboxes;
    this.metrics = metrics;
    this.commands = commands;
  }

  private static final String LOGIN_DEADLINE = "dovetail-login-deadline";
  /** Where James's connection handler keeps the session (BasicChannelInboundHandler's key). */
  private static final AttributeKey<Object> SESSION = AttributeKey.valueOf("session");

  private static boolean loggedIn(Channel channel) {
    // Not the user name: USER sets it before any password (review 25, F5).
    return channel.attr(SESSION).get() instanceof POP3Session session
        && session.getHandlerState() == POP3Session.TRANSACTION;
  }

  /** @param threads how many commands of different connections may run (or wait) at once; more wait their turn */
  static EventExecutorGroup commandPool(int threads) {
    return new NonStickyEventExecutorGroup(
        new UnorderedThreadPoolEventExecutor(threads, new DefaultThreadFactory("pop3-commands", true)));
  }

  @Override
  protected void preInit() throws Exception {
    super.preInit();
    protocol = new POP3Protocol(chain(), new Greeting(getHelloName()));
  }

  /** An accept that fails (the open files limit) is one log line, not a stack trace per connection. */
  @Override
  protected void configureBootstrap(ServerBootstrap bootstrap) {
    super.configureBootstrap(bootstrap);
    bootstrap.handler(new AcceptFailures("POP3"));
  }

  @Override
  protected AbstractChannelPipelineFactory createPipelineFactory() {
    // James's command handler, not yet active, gives way to one on the commands pool (a handler cannot be added twice).
    return AdjustedPipeline.of(super.createPipelineFactory(), pipeline -> {
      pipeline.remove(HandlerConstants.CORE_HANDLER);
      pipeline.addLast(OutputStall.NAME, new OutputStall(outputStall));
      pipeline.addLast(LOGIN_DEADLINE, new LoginDeadline(loginTimeout, Pop3Server::loggedIn,
          "-ERR Disconnected for inactivity."));
      pipeline.addLast(commands, HandlerConstants.CORE_HANDLER, createCoreHandler());
    });
  }

  private ProtocolHandlerChainImpl chain() throws WiringException {
    PassCommand pass = new PassCommand(rule, sessions, inboxes);
    ProtocolHandlerChainImpl chain = new ProtocolHandlerChainImpl();
    chain.addAll(List.<ProtocolHandler>of(
        new Welcome(),
        new Utf8CommandDispatcher(),
        new CapaCmdHandler(metrics),
        new ExtraCapabilities(),
        new UserCommand(rule, masterNames),
        pass,
        new AuthCommand(rule, pass),
        new StlsCommand(metrics),
        new LoginFirst(), // before James's handlers of the same commands: Dovecot's answer before a login
        new MessageNumbers(), // before James's handlers of the same commands: refuses what they mistake
        new StatCmdHandler(metrics),
        new ListingCommand(new ListCmdHandler(metrics)),
        new ListingCommand(new UidlCmdHandler(metrics)),
        new RetrCommand(metrics),
        new TopCommand(metrics),
        new DeleCmdHandler(metrics),
        new RsetCommand(metrics),
        new NoopCmdHandler(metrics),
        new QuitCommand(metrics),
        new LoginEndOnDisconnect(), // first: a handler that throws would stop the ones after it
        new SeenOnDisconnect(),
        new UnknownCmdHandler()));
    chain.wireExtensibleHandlers();
    return chain;
  }

  /** No JMX: Dovetail reports through its logs and the admin socket. */
  @Override
  protected void registerMBean() {}

  @Override
  protected void unregisterMBean() {}

  @Override
  protected int getDefaultPort() {
    return 110;
  }

  @Override
  public String getServiceType() {
    return "POP3 Service";
  }

  @Override
  protected String getDefaultJMXName() {
    return "dovetail-pop3";
  }

  @Override
  protected ChannelInboundHandlerAdapter createCoreHandler() {
    return new Pop3ConnectionHandler(protocol, getEncryption());
  }

  @Override
  protected ChannelHandlerFactory createFrameHandlerFactory() {
    // Lines after STLS must not be read before the TLS handshake (no command injection across STLS); lines that
    // wait unanswered are held to a bound (PendingInput).
    return Pop3LineFramer.FACTORY;
  }

  private record Greeting(String getHelloName) implements ProtocolConfiguration {
    @Override
    public String getGreeting() {
      return null;
    }

    @Override
    public String getSoftwareName() {
      return "Dovetail";
    }
  }
}
