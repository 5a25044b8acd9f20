package dovetail.proxy.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dovetail.conf.FsyncMode;
import dovetail.conf.Settings;
import dovetail.migrator.copy.ConnectionLimiter;
import dovetail.migrator.service.MigrationService;
import dovetail.migrator.service.Migrations;
import dovetail.proxy.admin.AdminServer;
import dovetail.proxy.auth.Authentication;
import dovetail.proxy.auth.LoginListener;
import dovetail.proxy.handover.HandoverMarker;
import dovetail.proxy.imap.ImapService;
import dovetail.proxy.lmtp.LmtpService;
import dovetail.proxy.mailbox.MailboxBackend;
import dovetail.proxy.pop3.Pop3Service;
import dovetail.store.MailLocation;
import dovetail.store.MailStore;
import dovetail.store.StoreOptions;
import dovetail.store.maildir.MaildirStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server, wired by hand in one place: settings to stores, authentication, the migration service
 * (when there is a legacy server), the James mailbox backend, the IMAP listeners and the admin socket. What
 * tests need to control comes in through {@link Tuning}.
 */
public final class DovetailServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DovetailServer.class);

  /** How often folders selected by a session are checked for changes by other writers. */
  public static final Duration POLL_INTERVAL = Duration.ofSeconds(2);
  /** A client waiting on a migration hears of it at least every other interval. */
  public static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);
  /** How often LMTP spools are checked for an INBOX that became ready elsewhere (another process migrated it). */
  public static final Duration SPOOL_CHECK = Duration.ofMinutes(1);
  /** An IMAP connection silent this long before it logs in is closed, as by Dovecot's imap-login. */
  public static final Duration LOGIN_TIMEOUT = Duration.ofMinutes(3);
  /** An IMAP client whose output has not moved this long is disconnected, as by Dovecot ({@link OutputStall}). */
  public static final Duration IMAP_OUTPUT_STALL = Duration.ofMinutes(5);
  /** A POP3 client whose output has not moved this long is disconnected, as by Dovecot's pop3. */
  public static final Duration POP3_OUTPUT_STALL = Duration.ofMinutes(10);
  /**
   * A POP3 login waits this long for INBOX's migration, then is told to come back (-ERR [SYS/TEMP]) while it goes on:
   * POP3 cannot say "still working", and clients give up after about a minute (Outlook's default).
   */
  public static final Duration POP3_INBOX_WAIT = Duration.ofSeconds(30);

  /**
   * What a test may change about a running server.
   *
   * @param migration the migration service's options (sweeper rescan period, an observer of every migration)
   * @param spoolCheck how often LMTP spools are checked ({@link #SPOOL_CHECK})
   * @param loginTimeout how long an IMAP connection may stay silent before it logs in ({@link #LOGIN_TIMEOUT})
   * @param imapOutputStall how long an IMAP client's output may stand still ({@link #IMAP_OUTPUT_STALL})
   * @param pop3OutputStall how long a POP3 client's output may stand still ({@link #POP3_OUTPUT_STALL})
   * @param pop3InboxWait how long a POP3 login waits for INBOX's migration ({@link #POP3_INBOX_WAIT})
   */
  public record Tuning(Clock clock, Duration pollInterval, Duration progressInterval,
      MigrationService.Options migration, Duration spoolCheck, Duration loginTimeout, Duration imapOutputStall,
      Duration pop3OutputStall, Duration pop3InboxWait) {
    public static Tuning defaults() {
      return new Tuning(Clock.systemUTC(), POLL_INTERVAL, PROGRESS_INTERVAL, MigrationService.Options.defaults(),
          SPOOL_CHECK, LOGIN_TIMEOUT, IMAP_OUTPUT_STALL, POP3_OUTPUT_STALL, POP3_INBOX_WAIT);
    }
  }

  private final ScheduledExecutorService scheduler;
  private final ImapService imap;
  private final Pop3Service pop3;
  private final Optional<MigrationService> migrations;
  private final Optional<AdminServer> admin;
  private final Optional<LmtpService> lmtp;
  private final MailboxBackend backend;

  private DovetailServer(ScheduledExecutorService scheduler, ImapService imap, Pop3Service pop3,
      Optional<MigrationService> migrations, Optional<AdminServer> admin, Optional<LmtpService> lmtp,
      MailboxBackend backend) {
    this.lmtp = lmtp;
    this.backend = backend;
    this.scheduler = scheduler;
    this.imap = imap;
    this.pop3 = pop3;
    this.migrations = migrations;
    this.admin = admin;
  }

  public static DovetailServer start(Settings settings) throws Exception {
    return start(settings, Tuning.defaults());
  }

  /** @throws StartupException for a setting this build cannot serve (one line for the operator) */
  public static DovetailServer start(Settings settings, Tuning tuning) throws Exception {
    MailLocation location;
    try {
      location = MailLocation.parse(settings.store().mailLocation());
    } catch (IllegalArgumentException e) {
      throw new StartupException("mail_location: " + e.getMessage());
    }
    List<String> users;
    try {
      users = location.users();
    } catch (java.io.UncheckedIOException e) { // an unreadable directory beside the users' (lost+found): not ours
      LOG.warn("cannot look at every store for a hand-over to Dovecot: {}", e.getMessage());
      users = List.of();
    }
    List<String> handedOver = users.stream().map(u -> HandoverMarker.refusal(location, u))
        .flatMap(Optional::stream).toList();
    if (!handedOver.isEmpty()) {
      throw new StartupException(handedOver.get(0)
          + (handedOver.size() > 1 ? "; and " + (handedOver.size() - 1) + " more store(s) handed over" : ""));
    }
    StoreOptions options = StoreOptions.DEFAULT.withFsync(settings.store().fsync());
    // One store object per user, shared by the front-end, deliveries and the migrations while any of them uses it;
    // then forgotten (walk-through 14, L1: one per user ever seen was kept).
    Cache<String, MailStore> opened = Caffeine.newBuilder().weakValues().build();
    Function<String, MailStore> stores = user -> opened.get(user, u -> MaildirStore.forUser(location, u, options));
    Optional<MigrationService> migrations = Optional.empty();
    Optional<AdminServer> admin = Optional.empty();
    Optional<LmtpService> lmtp = Optional.empty();
    ImapService imap = null;
    Pop3Service pop3 = null;
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "dovetail-ticker");
      t.setDaemon(true);
      return t;
    });
    try {
      if (settings.imapc().configured()) {
        migrations = Optional.of(MigrationService.prepare(settings, stores,
            new ConnectionLimiter(settings.migration().maxConnectionsPerHost()), tuning.clock(), tuning.migration()));
      }
      if (migrations.isPresent()) {
        // Before the listeners: a socket path that cannot be used stops the start before any client or MTA connects.
        admin = Optional.of(AdminServer.start(settings.adminSocket(), migrations.get()));
        LOG.info("admin socket {}", settings.adminSocket());
      } else {
        LOG.info("no legacy server (imapc_host): serving the store only, without migrations or admin socket");
      }
      Optional<MigrationService> service = migrations;
      LoginListener onLogin = new LoginListener() {
        @Override
        public void loggedIn(String user, String password) {
          service.ifPresent(m -> m.loggedIn(user, Optional.of(password)));
        }

        @Override
        public void loggedOut(String user) {
          service.ifPresent(m -> m.loggedOut(user));
        }
      };
      Authentication authentication;
      try {
        authentication = Authentication.create(settings, onLogin);
      } catch (IllegalArgumentException e) {
        throw new StartupException(e.getMessage());
      }
      migrations.ifPresent(m -> m.localAccounts(authentication.listedUsers()));
      MailboxBackend backend = MailboxBackend.create(stores, authentication.sessionProvider(), tuning.clock());
      migrations.ifPresent(m -> m.onLegacyModSeqRose(backend::legacyModSeqRose));
      Optional<MigrationService> m0 = migrations;
      imap = ListenFailure.binding(ListenFailure.listeners("imap_listen", settings.listeners().imap(),
          "imaps_listen", settings.listeners().imaps()), () -> ImapService.start(settings.listeners().imap(),
              settings.listeners().imaps(), settings.tls(), backend, scheduler, tuning.pollInterval(),
              m0.map(m -> (Migrations) m), tuning.progressInterval(), authentication.masterLoginName(),
              tuning.loginTimeout(), tuning.imapOutputStall()));
      for (ImapService.Listener l : imap.listeners()) {
        LOG.info("{} listening on {}{}", l.name().toUpperCase(java.util.Locale.ROOT), l.address(),
            l.implicitTls() ? " (TLS)" : settings.tls().enabled() ? " (STARTTLS)" : "");
      }
      try {
        pop3 = ListenFailure.binding(ListenFailure.listeners("pop3_listen", settings.listeners().pop3(),
            "pop3s_listen", settings.listeners().pop3s()), () -> Pop3Service.start(settings.listeners().pop3(),
                settings.listeners().pop3s(), settings.tls(), authentication.sessionProvider(), stores,
                m0.map(m -> (Migrations) m), settings.pop3UidlFormat(),
                settings.pop3(), authentication.masterLoginName(), tuning.pop3OutputStall(), tuning.pop3InboxWait(),
                tuning.loginTimeout()));
      } catch (IllegalArgumentException e) {
        throw new StartupException(e.getMessage());
      }
      pop3.listeners().forEach(l -> LOG.info("{} listening on {}{}", l.name().toUpperCase(java.util.Locale.ROOT),
          l.address(), l.implicitTls() ? " (TLS)" : settings.tls().enabled() ? " (STLS)" : ""));
      lmtp = startLmtp(settings, location, stores, migrations, authentication, tuning);
      OpenFilesLimit.warnIfLow();
      // Last: a start that fails on a listener has migrated nothing (walk-through 9, W8).
      migrations.ifPresent(MigrationService::startSweeper);
      return new DovetailServer(scheduler, imap, pop3, migrations, admin, lmtp, backend);
    } catch (Exception | Error e) {
      admin.ifPresent(AdminServer::close);
      lmtp.ifPresent(LmtpService::close);
      if (pop3 != null) {
        pop3.close();
      }
      if (imap != null) {
        imap.close();
      }
      migrations.ifPresent(MigrationService::close);
      scheduler.shutdownNow();
      throw e;
    }
  }

  /**
   * LMTP delivery (lmtp_listen); its spool is drained when INBOX may take mail (its migration completed, or a local
   * account turned out to have nothing to migrate), at start, and by a periodic check (another process migrated it).
   */
  private static Optional<LmtpService> startLmtp(Settings settings, MailLocation location,
      Function<String, MailStore> stores, Optional<MigrationService> migrations, Authentication authentication,
      Tuning tuning) throws Exception {
    Optional<LmtpService> lmtp;
    try {
      lmtp = ListenFailure.binding(ListenFailure.listeners("lmtp_listen", settings.listeners().lmtp()),
          () -> LmtpService.start(settings.listeners().lmtp(), new LmtpService.Wiring(location, stores,
              migrations.map(m -> (Migrations) m), authentication.listedUsers(),
              settings.store().fsync() != FsyncMode.NEVER, Path.of(System.getProperty("java.io.tmpdir")), tuning.clock(),
              settings.listeners().lmtpSocketMode(), settings.recipientDelimiter())));
    } catch (IllegalArgumentException e) {
      throw new StartupException(e.getMessage());
    }
    if (lmtp.isPresent() && migrations.isPresent()) {
      LmtpService l = lmtp.get();
      migrations.get().onFolderComplete(l::folderComplete);
      l.watchSpools(migrations.get()::knownUsers, tuning.spoolCheck());
    }
    lmtp.ifPresent(l -> LOG.info("LMTP listening on {}", l.address()));
    return lmtp;
  }

  /** The LMTP listener, when lmtp_listen is set. */
  /** Listeners registered now for folders' events: one per folder selected in an IMAP session. */
  public int folderListeners() {
    return backend.folderListeners();
  }

  public Optional<LmtpService> lmtp() {
    return lmtp;
  }

  public List<ImapService.Listener> listeners() {
    return imap.listeners();
  }

  public List<Pop3Service.Listener> pop3Listeners() {
    return pop3.listeners();
  }

  /** The migration service, when a legacy server is configured. */
  public Optional<Migrations> migrations() {
    return migrations.map(m -> m);
  }

  @Override
  public void close() {
    admin.ifPresent(AdminServer::close);
    lmtp.ifPresent(LmtpService::close);
    imap.close();
    pop3.close();
    migrations.ifPresent(MigrationService::close);
    scheduler.shutdownNow();
  }

  /** A setting this build cannot serve; its message is one line for the operator. */
  public static final class StartupException extends RuntimeException {
    StartupException(String message) {
      super(message);
    }
  }
}
