package dovetail.proxy.pop3;

import dovetail.conf.Endpoint;
import dovetail.conf.Pop3Settings;
import dovetail.conf.TlsSettings;
import dovetail.proxy.auth.MasterLoginName;
import dovetail.proxy.imap.ListenerTls;
import dovetail.migrator.service.Migrations;
import dovetail.proxy.imap.PathFileSystem;
import dovetail.proxy.imap.PlaintextAuthRule;
import dovetail.store.MailStore;
import dovetail.store.UidlFormat;
import io.netty.util.concurrent.EventExecutorGroup;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.metrics.logger.DefaultMetricFactory;

/**
 * The POP3 front-end: {@code pop3_listen} (STLS when TLS is on) and {@code pop3s_listen} (TLS from the first
 * byte), serving each user's INBOX from the store with the same authentication as IMAP.
 */
public final class Pop3Service implements AutoCloseable {
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  /** RFC 1939 section 3: an autologout timer of at least 10 minutes. */
  private static final int IDLE_TIMEOUT_SECONDS = 600;
  /**
   * POP3 commands that may run at once, over both listeners (Pop3Server runs them off the event loops); more wait
   * their turn. A login holds one while it waits (the failure delay, the legacy password check, its INBOX migration).
   */
  private static final int COMMAND_THREADS = 64;
  /**
   * James's maxExecutorCount: the threads its line framer runs on, each connection on one of them. Splitting lines
   * never blocks (commands run on the command pool), and a connection's turn cuts no more than its PendingInput
   * bound, in time linear in it (Pop3LineFramer), so one per core.
   */
  private static final int LINE_THREADS = Runtime.getRuntime().availableProcessors();

  /** A listener that runs, for logs and tests. */
  public record Listener(String name, InetSocketAddress address, boolean implicitTls) {}

  private final EventExecutorGroup commands = Pop3Server.commandPool(COMMAND_THREADS);
  private final List<Pop3Server> servers = new ArrayList<>();
  private final List<Listener> listeners = new ArrayList<>();

  private Pop3Service() {}

  /**
   * Starts the listeners. On failure, whatever started is stopped again.
   *
   * @param sessions the authentication IMAP uses (passwd-file or legacy, master users)
   * @param stores each user's store
   * @param migrations the legacy server's migrations, when there is one: INBOX is migrated at login
   * @param uidlFormat pop3_uidl_format, for messages without a stored UIDL
   * @param changes how POP3 changes the maildrop (pop3_deleted_flag, pop3_no_flag_updates)
   * @param inboxWait how long a login waits for INBOX's migration before it is told to come back
   * @param loginTimeout how long after connecting a client may be without a login ({@link Pop3Server})
   * @throws IllegalArgumentException naming pop3_uidl_format when it uses a variable this build cannot expand
   */
  public static Pop3Service start(Optional<Endpoint.Tcp> pop3, Optional<Endpoint.Tcp> pop3s, TlsSettings tls,
      SessionProvider sessions, Function<String, MailStore> stores, Optional<Migrations> migrations,
      String uidlFormat, Pop3Settings changes, MasterLoginName masterNames, Duration outputStall, Duration inboxWait,
      Duration loginTimeout) throws Exception {
    InboxAccess inboxes = new InboxAccess(stores, migrations, UidlFormat.parse(uidlFormat), changes, inboxWait);
    PlaintextAuthRule rule = PlaintextAuthRule.of(tls);
    Pop3Service service = new Pop3Service();
    try {
      if (pop3.isPresent()) {
        service.add("pop3", pop3.get(), tls, false,
            new Pop3Server(rule, sessions, masterNames, inboxes, new DefaultMetricFactory(), service.commands,
                outputStall, loginTimeout));
      }
      if (pop3s.isPresent()) {
        service.add("pop3s", pop3s.get(), tls, true,
            new Pop3Server(rule, sessions, masterNames, inboxes, new DefaultMetricFactory(), service.commands,
                outputStall, loginTimeout));
      }
      return service;
    } catch (Exception e) {
      service.close();
      throw e;
    }
  }

  private void add(String name, Endpoint.Tcp endpoint, TlsSettings tls, boolean implicitTls, Pop3Server server)
      throws Exception {
    server.setFileSystem(new PathFileSystem()); // reads ssl_cert and ssl_key as IMAP does
    server.configure(configuration(name, endpoint, tls, implicitTls));
    server.setListenAddresses(new InetSocketAddress(endpoint.host(), endpoint.port()));
    server.init();
    servers.add(server);
    for (InetSocketAddress address : server.getListenAddresses()) {
      listeners.add(new Listener(name, address, implicitTls));
    }
  }

  private static BaseHierarchicalConfiguration configuration(String name, Endpoint.Tcp endpoint, TlsSettings tls,
      boolean implicitTls) {
    BaseHierarchicalConfiguration c = new BaseHierarchicalConfiguration();
    c.addProperty("bind", (endpoint.host().indexOf(':') >= 0 ? "0.0.0.0" : endpoint.host()) + ":" + endpoint.port());
    c.addProperty("jmxName", "dovetail-" + name + "-" + INSTANCES.incrementAndGet());
    c.addProperty("helloName", "Dovetail");
    c.addProperty("helloName[@autodetect]", false);
    c.addProperty("connectiontimeout", IDLE_TIMEOUT_SECONDS);
    c.addProperty("maxExecutorCount", LINE_THREADS);
    ListenerTls.configure(c, tls, implicitTls);
    return c;
  }

  public List<Listener> listeners() {
    return List.copyOf(listeners);
  }

  /** Stops listening and closes connections. */
  @Override
  public void close() {
    for (Pop3Server server : servers) {
      server.destroy();
    }
    servers.clear();
    commands.shutdownGracefully();
  }
}
