package dovetail.proxy.lmtp;

import dovetail.conf.Endpoint;
import dovetail.migrator.service.Migrations;
import dovetail.store.MailLocation;
import dovetail.store.MailStore;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.james.metrics.logger.DefaultMetricFactory;
import org.apache.james.protocols.api.OidcSASLConfiguration;
import org.apache.james.protocols.api.handler.CommandDispatcher;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.lmtp.LMTPConfiguration;
import org.apache.james.protocols.lmtp.core.LhloCmdHandler;
import org.apache.james.protocols.lmtp.core.WelcomeMessageHandler;
import org.apache.james.protocols.smtp.SMTPProtocol;
import org.apache.james.protocols.smtp.SMTPProtocolHandlerChain;
import org.apache.james.protocols.smtp.core.MailCmdHandler;
import org.apache.james.protocols.smtp.core.NoopCmdHandler;
import org.apache.james.protocols.smtp.core.QuitCmdHandler;
import org.apache.james.protocols.smtp.core.RsetCmdHandler;
import org.apache.james.protocols.smtp.core.UnknownCmdHandler;
import org.apache.james.protocols.smtp.core.VrfyCmdHandler;
import org.apache.james.protocols.smtp.core.esmtp.MailSizeEsmtpExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LMTP listener (lmtp_listen, TCP or a Unix socket): James's low-level protocols-lmtp on {@link LmtpServer},
 * with Dovetail's recipient check and delivery hook (DESIGN: not james-server-protocols-lmtp, which brings the whole
 * mailet server). It also drains, at start, the spools of users whose INBOX was migrated before a crash let the
 * drain run.
 */
public final class LmtpService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LmtpService.class);

  private final LmtpServer server;
  private final InboxDelivery delivery;
  private final TransitDirectory transit;
  private volatile ScheduledExecutorService spoolWatch;
  private final java.util.concurrent.atomic.AtomicLong spoolChecks = new java.util.concurrent.atomic.AtomicLong();

  private LmtpService(LmtpServer server, InboxDelivery delivery, TransitDirectory transit) {
    this.server = server;
    this.delivery = delivery;
    this.transit = transit;
  }

  /**
   * What LMTP needs from the rest of the server.
   *
   * @param passwdUsers users the passdb lists (passwd-file), besides those with a store
   * @param fsync whether spool writes are fsynced (mail_fsync other than never)
   * @param tempDir under which this listener makes its own directory for DATA in transit (removed at close)
   * @param socketMode the socket file's mode for {@code lmtp_listen = unix:PATH} (lmtp_socket_mode)
   * @param recipientDelimiter recipient_delimiter: the characters that start an address's detail; empty: none
   */
  public record Wiring(MailLocation location, Function<String, MailStore> stores, Optional<Migrations> migrations,
      Predicate<String> passwdUsers, boolean fsync, Path tempDir, Clock clock, Set<PosixFilePermission> socketMode,
      String recipientDelimiter) {}

  /**
   * @throws IllegalArgumentException for {@code lmtp_listen = unix:...} where the native transport cannot load
   */
  public static Optional<LmtpService> start(Optional<Endpoint> endpoint, Wiring w) throws Exception {
    if (endpoint.isEmpty()) {
      return Optional.empty();
    }
    TransitDirectory received = TransitDirectory.create(w.tempDir());
    InboxDelivery delivery = new InboxDelivery(w.location(), w.stores(), w.migrations(), w.fsync(), w.clock());
    UserLookup lookup = new UserLookup(w.location(), w.passwdUsers(), w.migrations(), w.recipientDelimiter());
    String hostname = hostname();
    SMTPProtocolHandlerChain chain = new SMTPProtocolHandlerChain(new DefaultMetricFactory(), false);
    chain.addAll(handlers(received.path()));
    chain.add(new RecipientHook(lookup));
    chain.add(new DeliverHook(delivery, w.clock(), hostname));
    chain.wireExtensibleHandlers();
    try {
      // Dovecot's LMTP waits 5 minutes for a client line as well.
      LmtpServer server = LmtpServer.bind(endpoint.get(), new SMTPProtocol(chain, new Config(hostname)), 300,
          w.socketMode());
      return Optional.of(new LmtpService(server, delivery, received));
    } catch (Exception | Error e) {
      received.close();
      throw e;
    }
  }

  private static List<ProtocolHandler> handlers(Path tempDir) {
    DefaultMetricFactory metrics = new DefaultMetricFactory();
    List<ProtocolHandler> h = new ArrayList<>();
    h.add(new CommandDispatcher<>());
    h.add(new LhloCmdHandler(metrics));
    h.add(new MailCmdHandler(metrics));
    h.add(new NoopCmdHandler());
    h.add(new QuitCmdHandler(metrics));
    h.add(new LocalPartRecipients.Handler(metrics)); // RCPT TO:<bob> is the user bob, not bob@localhost
    h.add(new RsetCmdHandler());
    h.add(new VrfyCmdHandler());
    h.add(new FileDataCmdHandler(metrics, tempDir));
    h.add(new MailSizeEsmtpExtension());
    h.add(new WelcomeMessageHandler());
    h.add(new DataEndHandler());
    h.add(new DisconnectCleanup());
    h.add(new UnknownCmdHandler(metrics));
    return h;
  }

  /**
   * Appends the spooled deliveries of {@code user} if INBOX is migrated; the migration service calls it when a
   * folder completes, and {@link #drainAll} at start.
   */
  public void folderComplete(String user, String folder) {
    if (MailStore.INBOX.equals(folder)) {
      delivery.drain(user);
    }
  }

  /** Drains every listed user whose INBOX is migrated (after a crash between a migration and its drain). */
  public void drainAll(List<String> users) {
    for (String user : users) {
      try {
        delivery.drain(user);
      } catch (RuntimeException e) {
        LOG.warn("{}: INBOX: spooled deliveries not appended yet: {}", user, e.toString());
      }
    }
  }

  /**
   * Drains the spools of {@code users} at start ({@link #drainAll}), then every {@code every}: an INBOX whose migration
   * completed in another process ({@code dovetail backup} beside {@code serve}) sends no event here, and its spool must
   * not wait for the next delivery (stock Dovecot never reads a spool). The periodic check looks at users with a
   * non-empty spool only, and asks the legacy server nothing: a user without a skeleton waits for its first access.
   */
  public void watchSpools(Supplier<List<String>> users, Duration every) {
    ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "dovetail-lmtp-spools");
      t.setDaemon(true);
      return t;
    });
    spoolWatch = watch;
    watch.execute(() -> {
      drainAll(users.get());
      spoolChecks.incrementAndGet();
    });
    watch.scheduleWithFixedDelay(() -> {
      try {
        for (String user : users.get()) {
          try {
            delivery.drainIfReady(user);
          } catch (RuntimeException e) {
            LOG.warn("{}: INBOX: spooled deliveries not appended yet: {}", user, e.toString());
          }
        }
      } catch (RuntimeException e) {
        LOG.warn("LMTP spools not checked: {}", e.toString());
      }
      spoolChecks.incrementAndGet();
    }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** How many spool checks (the one at start included) have ended; for tests. */
  long spoolChecks() {
    return spoolChecks.get();
  }

  /** The TCP address bound, for tests that listen on port 0; empty on a Unix socket. */
  public List<InetSocketAddress> listeners() {
    return server.address() instanceof InetSocketAddress a ? List.of(a) : List.of();
  }

  /** Where it listens, for the log: {@code host:port} or the socket file. */
  public String address() {
    return server.address() instanceof DomainSocketAddress unix ? "unix:" + unix.path() : server.address().toString();
  }

  @Override
  public void close() {
    ScheduledExecutorService watch = spoolWatch;
    if (watch != null) {
      watch.shutdownNow();
    }
    server.close();
    transit.close();
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  /** LMTP as Dovecot offers it: no AUTH, no relaying, no size limit of its own. */
  private static final class Config extends LMTPConfiguration {
    private final String hostname;

    Config(String hostname) {
      super("Dovetail");
      this.hostname = hostname;
    }

    @Override
    public String getHelloName() {
      return hostname;
    }

    @Override
    public long getMaxMessageSize() {
      return 0;
    }

    @Override
    public boolean isPlainAuthEnabled() {
      return false;
    }

    /** {@code MAIL FROM:bad} is 501, as in Dovecot (RFC 5321 paths have brackets); James took it as bad@localhost. */
    @Override
    public boolean useAddressBracketsEnforcement() {
      return true;
    }

    @Override
    public Optional<OidcSASLConfiguration> saslConfiguration() {
      return Optional.empty();
    }
  }
}
