package dovetail.proxy.server;

import dovetail.conf.Settings;
import dovetail.proxy.auth.Authentication;
import dovetail.proxy.auth.LoginListener;
import dovetail.proxy.imap.ImapService;
import dovetail.proxy.mailbox.MailboxBackend;
import dovetail.store.MailLocation;
import dovetail.store.StoreOptions;
import dovetail.store.maildir.MaildirStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server, wired by hand in one place: settings to store, authentication, the James mailbox backend
 * and the IMAP listeners. Clock, failure delay and poll interval come in from outside so tests can control them.
 */
public final class DovetailServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DovetailServer.class);

  /** Dovecot's auth_failure_delay default is 2 s. */
  public static final Duration FAILURE_DELAY = Duration.ofSeconds(2);
  /** How often folders selected by a session are checked for changes by other writers. */
  public static final Duration POLL_INTERVAL = Duration.ofSeconds(2);

  private final ScheduledExecutorService scheduler;
  private final ImapService imap;

  private DovetailServer(ScheduledExecutorService scheduler, ImapService imap) {
    this.scheduler = scheduler;
    this.imap = imap;
  }

  public static DovetailServer start(Settings settings) throws Exception {
    return start(settings, Clock.systemUTC(), FAILURE_DELAY, POLL_INTERVAL);
  }

  /** @throws StartupException for a setting this build cannot serve (one line for the operator) */
  public static DovetailServer start(Settings settings, Clock clock, Duration failureDelay, Duration pollInterval)
      throws Exception {
    MailLocation location;
    try {
      location = MailLocation.parse(settings.store().mailLocation());
    } catch (IllegalArgumentException e) {
      throw new StartupException("mail_location: " + e.getMessage());
    }
    StoreOptions options = StoreOptions.DEFAULT.withFsync(settings.store().fsync());
    Authentication authentication;
    try {
      authentication = Authentication.create(settings, failureDelay, LoginListener.NONE);
    } catch (IllegalArgumentException e) {
      throw new StartupException(e.getMessage());
    }
    MailboxBackend backend = MailboxBackend.create(user -> MaildirStore.forUser(location, user, options),
        authentication.sessionProvider(), clock);
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "dovetail-poller");
      t.setDaemon(true);
      return t;
    });
    try {
      ImapService imap = ImapService.start(settings.listeners().imap(), settings.listeners().imaps(), settings.tls(),
          backend, scheduler, pollInterval);
      for (ImapService.Listener l : imap.listeners()) {
        LOG.info("{} listening on {}{}", l.name().toUpperCase(java.util.Locale.ROOT), l.address(),
            l.implicitTls() ? " (TLS)" : settings.tls().enabled() ? " (STARTTLS)" : "");
      }
      return new DovetailServer(scheduler, imap);
    } catch (Exception e) {
      scheduler.shutdownNow();
      throw e;
    }
  }

  public List<ImapService.Listener> listeners() {
    return imap.listeners();
  }

  @Override
  public void close() {
    imap.close();
    scheduler.shutdownNow();
  }

  /** A setting this build cannot serve; its message is one line for the operator. */
  public static final class StartupException extends RuntimeException {
    StartupException(String message) {
      super(message);
    }
  }
}
