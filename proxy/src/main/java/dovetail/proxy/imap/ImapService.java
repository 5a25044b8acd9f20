package dovetail.proxy.imap;

import dovetail.conf.Endpoint;
import dovetail.conf.TlsSettings;
import dovetail.migrator.service.Migrations;
import dovetail.proxy.auth.MasterLoginName;
import dovetail.proxy.mailbox.MailboxBackend;
import dovetail.proxy.search.SortExtension;
import io.netty.buffer.Unpooled;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.MailboxTyper;
import org.apache.james.imap.decode.ImapDecoder;
import org.apache.james.imap.decode.main.DefaultImapDecoder;
import org.apache.james.imap.encode.main.DefaultImapEncoderFactory;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.apache.james.imap.processor.main.DefaultImapProcessorFactory;
import org.apache.james.imapserver.netty.IMAPServer;
import org.apache.james.imapserver.netty.ImapMetrics;
import org.apache.james.metrics.api.NoopGaugeRegistry;

/**
 * James's IMAP server, standalone: one {@link IMAPServer} per listener ({@code imap_listen} with STARTTLS when TLS
 * is on, {@code imaps_listen} with TLS from the first byte), configured in code and run over a
 * {@link MailboxBackend}.
 */
public final class ImapService implements AutoCloseable {
  /**
   * Capabilities James would advertise that Dovetail does not honour: no ACLs or quotas on a Maildir store,
   * no METADATA (no annotation store), no OBJECTID/SAVEDATE (no index), no STATUS=SIZE until tested, and none of
   * James's experimental extensions. CONDSTORE and QRESYNC are offered: see FolderState for how mod-sequences and
   * expunges are kept, and {@link QresyncResync} for the resynchronisation James 3.8.1 gets wrong.
   *
   * <p>LITERAL+ is offered: {@link DovetailImapServer} frames commands with Dovetail's own decoder, so a
   * non-synchronizing literal's bytes are never read as commands (James 3.8.1's ImapRequestFrameDecoder did).
   */
  static final List<String> DISABLED_CAPABILITIES = List.of(
      "ACL", "RIGHTS=", "LIST-MYRIGHTS", "QUOTA", "QUOTA=RES-STORAGE", "QUOTA=RES-MESSAGE", "METADATA",
      "ANNOTATE-EXPERIMENT-1", "OBJECTID", "SAVEDATE", "XLIST", "X-GM-EXT-1", "STATUS=SIZE");

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  /** A listener that runs, for logs and tests. */
  public record Listener(String name, InetSocketAddress address, boolean implicitTls) {}

  /** Dovecot's words (imap-client.c, clients_destroy_all). */
  static final String BYE = "* BYE Server shutting down.\r\n";
  /** How long a stop waits for the goodbyes to be written before it closes the connections. */
  private static final Duration BYE_WAIT = Duration.ofSeconds(1);
  private final List<IMAPServer> servers = new ArrayList<>();
  private final ChannelGroup connections = new DefaultChannelGroup("imap", GlobalEventExecutor.INSTANCE);
  private final List<Listener> listeners = new ArrayList<>();
  private ScheduledFuture<?> polling;
  private ScheduledExecutorService pollerThread;
  private MigrateOnAccess onAccess;

  private ImapService() {}

  /**
   * Starts the listeners. On failure, whatever started is stopped again.
   *
   * @param pollInterval how often folders selected by some session are checked for other writers' changes
   * @param migrations the legacy server's migrations, when there is one: folders are then migrated on access
   *     ({@link MigrateOnAccess})
   * @param progressInterval how often a client waiting on a migration hears of it
   * @param masterNames how LOGIN's name names a master login ({@code user*master})
   * @param loginTimeout how long a connection may stay silent before it logs in
   * @param outputStall how long a client's output may stand still before it is disconnected
   */
  public static ImapService start(Optional<Endpoint.Tcp> imap, Optional<Endpoint.Tcp> imaps, TlsSettings tls,
      MailboxBackend backend, ScheduledExecutorService scheduler, Duration pollInterval,
      Optional<Migrations> migrations, Duration progressInterval, MasterLoginName masterNames,
      Duration loginTimeout, Duration outputStall) throws Exception {
    ImapService service = new ImapService();
    try {
      FolderPoller poller = new FolderPoller(backend);
      MigrateOnAccess onAccess = migrations
          .map(m -> new MigrateOnAccess(m, scheduler, progressInterval, new UnpooledStatusResponseFactory()))
          .orElse(null);
      PlaintextAuthRule rule = PlaintextAuthRule.of(tls);
      if (imap.isPresent()) {
        service.add("imap", imap.get(), tls, false, backend, rule, poller, onAccess, masterNames, loginTimeout,
            outputStall);
      }
      if (imaps.isPresent()) {
        service.add("imaps", imaps.get(), tls, true, backend, rule, poller, onAccess, masterNames, loginTimeout,
            outputStall);
      }
      long millis = pollInterval.toMillis();
      // Its own thread: a look that waits for the mailbox layer must not hold up the progress lines on `scheduler`.
      service.pollerThread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dovetail-poller");
        t.setDaemon(true);
        return t;
      });
      service.polling = service.pollerThread.scheduleWithFixedDelay(poller, millis, millis, TimeUnit.MILLISECONDS);
      service.onAccess = onAccess;
      return service;
    } catch (Exception e) {
      service.close();
      throw e;
    }
  }

  private void add(String name, Endpoint.Tcp endpoint, TlsSettings tls, boolean implicitTls, MailboxBackend backend,
      PlaintextAuthRule rule, FolderPoller poller, MigrateOnAccess onAccess, MasterLoginName masterNames,
      Duration loginTimeout, Duration outputStall) throws Exception {
    // SelectionEventBus: SELECT's own selected mailbox stays silent, a FolderView takes its place (FolderViewSession).
    // James's default processor, with LIST's special-use attributes from the legacy server (SpecialUseTyper).
    MailboxTyper specialUse = new SpecialUseTyper(backend);
    ImapProcessor james = DefaultImapProcessorFactory.createXListSupportingProcessor(backend.mailboxManager(),
        new SelectionEventBus(backend.eventBus()), backend.subscriptionManager(), specialUse,
        backend.quotaManager(), backend.quotaRootResolver(), backend.metrics());
    james = SortExtension.processor(james, backend.mailboxManager()); // RFC 5256 SORT: parser, processor, encoder
    james = new LsubSpecialUse(james, backend.mailboxManager(), specialUse); // LSUB's attributes as LIST's
    james = new NoselectWithoutSpecialUse(james); // a parent that is no folder has no special use
    james = new MoveCopyUidFirst(new ListPatternGuard(new FetchItemsFix(james, backend.mailboxManager(), 10_000)));
    // A UID set on an empty folder: OK, nothing done (James: BAD); inside QresyncResync, whose VANISHED comes first.
    james = new EmptySelectionUidSets(james);
    james = new SaveOnlySearch(james); // RFC 5182: SEARCH RETURN (SAVE) returns no result
    james = new StatusOfNoFolder(james, backend.mailboxManager()); // in Dovecot's words, no ERROR logged
    james = new QresyncResync(james, backend);
    james = new ConditionalStores(james); // UNCHANGEDSINCE tested again under the folder's lock
    StatusResponseFactory responses = new UnpooledStatusResponseFactory();
    james = new ClientLogins(james, backend.mailboxManager(), responses, backend.metrics());
    ImapDecoder decoder = new DefaultImapDecoder(responses, LiteralSizeCheck.over(MailboxNameGuard.guarding(
        ListPatternsParser.over(UnofferedCommands.removedFrom(LoginParser.over(SortExtension.parsers(responses),
            responses, masterNames), responses), responses), responses), responses));
    DovetailImapServer server = new DovetailImapServer(decoder,
        EightBitStrings.encoder(SpecialUseLsub.encoder(AuthenticateContinuation.encoder(SortExtension.encoder(
            new DefaultImapEncoderFactory().buildImapEncoder())))),
        new DovetailProcessor(james, rule, backend, poller, onAccess),
        new ImapMetrics(backend.metrics()), new NoopGaugeRegistry());
    server.trackConnections(connections);
    server.loginTimeout(loginTimeout);
    server.outputStall(outputStall);
    server.setFileSystem(new PathFileSystem());
    server.configure(configuration(name, endpoint, tls, implicitTls));
    // James parses "bind" as host:port and cannot take an IPv6 literal; bind exactly what the settings say.
    server.setListenAddresses(new InetSocketAddress(endpoint.host(), endpoint.port()));
    server.init();
    servers.add(server);
    for (InetSocketAddress address : server.getListenAddresses()) {
      listeners.add(new Listener(name, address, implicitTls));
    }
  }

  static BaseHierarchicalConfiguration configuration(String name, Endpoint.Tcp endpoint, TlsSettings tls,
      boolean implicitTls) {
    BaseHierarchicalConfiguration c = new BaseHierarchicalConfiguration();
    c.addProperty("bind", (endpoint.host().indexOf(':') >= 0 ? "0.0.0.0" : endpoint.host()) + ":" + endpoint.port());
    c.addProperty("jmxName", "dovetail-" + name + "-" + INSTANCES.incrementAndGet());
    c.addProperty("helloName", "Dovetail");
    c.addProperty("helloName[@autodetect]", false);
    ListenerTls.configure(c, tls, implicitTls);
    // TLS-before-password is decided per connection by PlaintextAuthRule, through SessionView.
    c.addProperty("auth.requireSSL", false);
    c.addProperty("auth.plainAuthEnabled", true);
    c.addProperty("disabledCaps", String.join("|", DISABLED_CAPABILITIES));
    // Advertised as APPENDLIMIT=n (RFC 7889): the largest message literal DovetailImapServer's framing accepts.
    c.addProperty("literalSizeLimit", String.valueOf(FrameLimits.DEFAULT.maxMessageLiteral()));
    c.addProperty("enableIdle", true);
    c.addProperty("provisionDefaultMailboxes", false);
    return c;
  }

  public List<Listener> listeners() {
    return List.copyOf(listeners);
  }

  /**
   * Stops listening and closes connections, each with {@value #BYE} first, as Dovecot's imap does when it stops
   * (clients then say "server shutting down" rather than "connection lost"; a client waiting on a migration too).
   */
  @Override
  public void close() {
    if (onAccess != null) {
      onAccess.stopping();
    }
    connections.writeAndFlush(Unpooled.copiedBuffer(BYE, StandardCharsets.US_ASCII))
        .awaitUninterruptibly(BYE_WAIT.toMillis());
    if (polling != null) {
      polling.cancel(false);
    }
    if (pollerThread != null) {
      pollerThread.shutdownNow();
    }
    for (IMAPServer server : servers) {
      server.destroy();
    }
    servers.clear();
    if (onAccess != null) {
      onAccess.close();
    }
  }
}
