package dovetail.proxy.server;

import dovetail.conf.ConfigLoader;
import dovetail.conf.Settings;
import dovetail.migrator.copy.MigrationListener;
import dovetail.migrator.service.MigrationService;
import dovetail.store.MailLocation;
import dovetail.store.MailStore;
import dovetail.store.StoreOptions;
import dovetail.store.maildir.MaildirStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Dovetail server for tests: its own passwd-file, stores under a temp dir, listeners on 127.0.0.1 at free
 * ports, a short failure delay and a short poll interval. Stopped by {@link #close()}.
 */
public final class TestDovetail implements AutoCloseable {
  public static final Duration FAILURE_DELAY = Duration.ofMillis(400);
  public static final Duration POLL_INTERVAL = Duration.ofMillis(200);

  private final Path dir;
  private final DovetailServer server;
  private final TestCertificates certificates;
  private final Settings settings;

  private TestDovetail(Path dir, DovetailServer server, TestCertificates certificates, Settings settings) {
    this.dir = dir;
    this.server = server;
    this.certificates = certificates;
    this.settings = settings;
  }

  public static Builder builder(Path dir) {
    return new Builder(dir);
  }

  public int imapPort() {
    return port("imap");
  }

  public int lmtpPort() {
    return server.lmtp().orElseThrow().listeners().get(0).getPort();
  }

  public DovetailServer server() {
    return server;
  }

  public int imapsPort() {
    return port("imaps");
  }

  public int pop3Port() {
    return server.pop3Listeners().stream().filter(l -> l.name().equals("pop3")).findFirst().orElseThrow().address()
        .getPort();
  }

  public int pop3sPort() {
    return server.pop3Listeners().stream().filter(l -> l.name().equals("pop3s")).findFirst().orElseThrow().address()
        .getPort();
  }

  private int port(String name) {
    return server.listeners().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow().address().getPort();
  }

  public TestCertificates certificates() {
    return certificates;
  }

  public Path mailRoot() {
    return dir.resolve("mail");
  }

  public Path configFile() {
    return dir.resolve("dovetail.conf");
  }

  /** The user's store as another writer (Dovecot LDA, a migration) would open it: a separate instance. */
  public MailStore store(String user) {
    return MaildirStore.forUser(MailLocation.parse(settings.store().mailLocation()), user, StoreOptions.DEFAULT);
  }

  @Override
  public void close() {
    server.close();
  }

  public static final class Builder {
    private final Path dir;
    private final Map<String, String> users = new LinkedHashMap<>();
    private final Map<String, String> masterUsers = new LinkedHashMap<>();
    private String legacy;
    private String ssl = "no";
    private String mailLocation;
    private final List<String> extra = new ArrayList<>();
    private Duration progressInterval = DovetailServer.PROGRESS_INTERVAL;
    private Duration failureDelay = FAILURE_DELAY;
    private Duration spoolCheck = DovetailServer.SPOOL_CHECK;
    private Duration loginTimeout = DovetailServer.LOGIN_TIMEOUT;
    private Duration imapOutputStall = DovetailServer.IMAP_OUTPUT_STALL;
    private Duration pop3OutputStall = DovetailServer.POP3_OUTPUT_STALL;
    private Duration pop3InboxWait = DovetailServer.POP3_INBOX_WAIT;
    private MigrationService.Options migration = MigrationService.Options.defaults().withRescanPeriod(Duration.ofMillis(200));

    private Builder(Path dir) {
      this.dir = dir;
    }

    /** @param stored the passwd-file password field, e.g. {@code {PLAIN}secret} */
    public Builder user(String name, String stored) {
      users.put(name, stored);
      return this;
    }

    /**
     * {@code passdb = legacy} against the legacy IMAP server at 127.0.0.1:{@code port} (users added with
     * {@link #user} are then ignored). More imapc settings go through {@link #setting}.
     */
    public Builder legacyPassdb(int port) {
      this.legacy = "passdb = legacy\nimapc_host = 127.0.0.1\nimapc_port = " + port + "\n";
      return this;
    }

    /** {@link #legacyPassdb(int)}, and migrations log in there as its master user. */
    public Builder legacyPassdb(int port, String masterUser, String masterPassword) {
      return legacyPassdb(port).setting("imapc_master_user = " + masterUser)
          .setting("imapc_password = " + masterPassword);
    }

    /** Migrates from the legacy IMAP server at 127.0.0.1:{@code port}, logged in there as its master user. */
    public Builder legacyImap(int port, String masterUser, String masterPassword) {
      return setting("imapc_host = 127.0.0.1").setting("imapc_port = " + port)
          .setting("imapc_master_user = " + masterUser).setting("imapc_password = " + masterPassword);
    }

    /** A master user in {@code master_passdb} (its own passwd-file), e.g. {@code masterUser("admin", "{PLAIN}pw")}. */
    public Builder masterUser(String name, String stored) {
      masterUsers.put(name, stored);
      return this;
    }

    /** {@code ssl = yes | required}: a fresh self-signed certificate, STARTTLS and an imaps listener. */
    public Builder ssl(String mode) {
      this.ssl = mode;
      return this;
    }

    /** Serve another store, e.g. a running Dovecot's: {@code maildir:/work/home/%n/Maildir}. */
    public Builder mailLocation(String location) {
      this.mailLocation = location;
      return this;
    }

    /** How often a client waiting on a migration hears of it. */
    public Builder progressInterval(Duration interval) {
      this.progressInterval = interval;
      return this;
    }

    /** How long a refused login waits before its answer (auth_failure_delay); {@link #FAILURE_DELAY} unless set. */
    public Builder failureDelay(Duration delay) {
      this.failureDelay = delay;
      return this;
    }

    /** Sees every migration's events on the migrating thread (a test may hold a migration there). */
    public Builder migrationObserver(MigrationListener observer) {
      this.migration = migration.withObserver(observer);
      return this;
    }

    /** How long a client may leave output unread before it is dropped, for IMAP and POP3 alike. */
    public Builder outputStall(Duration timeout) {
      this.imapOutputStall = timeout;
      this.pop3OutputStall = timeout;
      return this;
    }

    /** How long an IMAP connection may stay silent before login ({@link DovetailServer#LOGIN_TIMEOUT} unless set). */
    public Builder loginTimeout(Duration timeout) {
      this.loginTimeout = timeout;
      return this;
    }

    /** How often LMTP spools are checked for an INBOX that another process migrated. */
    public Builder spoolCheck(Duration every) {
      this.spoolCheck = every;
      return this;
    }

    /** How long a POP3 login waits for INBOX's migration ({@link DovetailServer#POP3_INBOX_WAIT}). */
    public Builder pop3InboxWait(Duration wait) {
      this.pop3InboxWait = wait;
      return this;
    }

    public Builder setting(String line) {
      extra.add(line);
      return this;
    }

    /** Writes the configuration (also kept as a file, for tests that run the command line) and starts. */
    public TestDovetail start() throws Exception {
      Files.createDirectories(dir);
      StringBuilder passwd = new StringBuilder();
      users.forEach((u, p) -> passwd.append(u).append(':').append(p).append("::::::\n"));
      Path passwdFile = dir.resolve("passwd");
      Files.writeString(passwdFile, passwd);
      StringBuilder conf = new StringBuilder();
      conf.append("imap_listen = 127.0.0.1:0\npop3_listen = 127.0.0.1:0\n");
      conf.append("lmtp_listen = 127.0.0.1:0\n");
      if (legacy != null) {
        conf.append(legacy);
      } else {
        conf.append("passdb = passwd-file:").append(passwdFile).append('\n');
      }
      if (!masterUsers.isEmpty()) {
        StringBuilder masters = new StringBuilder();
        masterUsers.forEach((u, p) -> masters.append(u).append(':').append(p).append("::::::\n"));
        Path mastersFile = dir.resolve("master-users");
        Files.writeString(mastersFile, masters);
        conf.append("master_passdb = passwd-file:").append(mastersFile).append('\n');
      }
      conf.append("mail_location = ").append(mailLocation != null ? mailLocation
          : "maildir:" + dir.resolve("mail") + "/%n/Maildir").append('\n');
      conf.append("admin_socket = ").append(dir.resolve("admin.sock")).append('\n');
      TestCertificates certs = null;
      if (!ssl.equals("no")) {
        certs = TestCertificates.generate(dir.resolve("tls"));
        conf.append("ssl = ").append(ssl).append('\n');
        conf.append("ssl_cert = <").append(certs.cert()).append('\n');
        conf.append("ssl_key = <").append(certs.key()).append('\n');
        conf.append("imaps_listen = 127.0.0.1:0\npop3s_listen = 127.0.0.1:0\n");
      }
      conf.append("auth_failure_delay = ").append(failureDelay.toMillis()).append(" ms\n");
      extra.forEach(l -> conf.append(l).append('\n'));
      Path file = dir.resolve("dovetail.conf");
      Files.writeString(file, conf);
      Settings settings = ConfigLoader.load(file, List.of());
      DovetailServer server = DovetailServer.start(settings,
          new DovetailServer.Tuning(Clock.systemUTC(), POLL_INTERVAL, progressInterval, migration, spoolCheck,
              loginTimeout, imapOutputStall, pop3OutputStall, pop3InboxWait));
      return new TestDovetail(dir, server, certs, settings);
    }
  }
}
