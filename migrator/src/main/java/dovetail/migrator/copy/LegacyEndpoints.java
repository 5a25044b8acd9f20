package dovetail.migrator.copy;

import dovetail.conf.DsyncFeature;
import dovetail.conf.ImapcFeature;
import dovetail.conf.ImapcSettings;
import dovetail.conf.Pop3cSettings;
import dovetail.conf.Settings;
import dovetail.conf.UserTemplate;
import dovetail.migrator.source.FetchLimits;
import dovetail.migrator.source.LegacyImapEndpoint;
import dovetail.migrator.source.LegacyPop3Endpoint;
import dovetail.migrator.source.LegacyImapEndpoint.MasterLoginStyle;
import dovetail.migrator.source.LegacyImapEndpoint.SslMode;
import dovetail.store.UidlFormat;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/** The one place where settings become a legacy endpoint and migration options. */
public final class LegacyEndpoints {
  /** TCP connect (and TLS handshake) timeout; Dovecot's imapc has no setting for it either. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  /** Connect and answer timeout when a login waits on the legacy server's verdict (passdb = legacy). */
  static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(15);

  private LegacyEndpoints() {}

  /**
   * The legacy IMAP server for {@code user}: {@code imapc_host/port/ssl/ssl_verify}, {@code ssl_client_ca_*},
   * {@code imapc_user} (expanded by the source at login), {@code imapc_master_user} (a template, expanded
   * here) with {@code imapc_password} as its password, or the user's own {@code imapc_password} without one,
   * {@code imapc_features}, {@code imapc_list_prefix}, {@code imapc_cmd_timeout}. A master user logs in as
   * {@code imapc_master_login} says: {@code sasl} (Dovecot's imapc: AUTHENTICATE PLAIN with the user as
   * authorization id, RFC 4616) or {@code separator} ({@code LOGIN user*master}).
   *
   * @throws IllegalArgumentException naming the setting, when imapc_host or imapc_password is missing
   */
  public static LegacyImapEndpoint imap(Settings settings, String user) {
    return imap(settings, user, java.util.Optional.empty());
  }

  /**
   * As {@link #imap(Settings, String)}, but without a master user the login uses {@code ownPassword} (the password
   * the user gave at a Dovetail login, held in memory) in place of {@code imapc_password}, when given.
   */
  public static LegacyImapEndpoint imap(Settings settings, String user, java.util.Optional<String> ownPassword) {
    ImapcSettings imapc = settings.imapc();
    if (!imapc.configured()) {
      throw new IllegalArgumentException("imapc_host is not set: there is no legacy IMAP server to migrate from");
    }
    boolean master = imapc.hasMasterUser();
    String password = (master ? imapc.password() : ownPassword.or(imapc::password)).orElse("");
    if (password.isEmpty()) {
      throw new IllegalArgumentException("imapc_password is not set: give the " + (imapc.masterUser().isPresent()
          ? "master user's" : "user's") + " password (for example -o imapc_password=...)");
    }
    LegacyImapEndpoint.Builder b = server(settings, password)
        .timeouts(min(CONNECT_TIMEOUT, imapc.cmdTimeout()), imapc.cmdTimeout());
    MasterLoginStyle style = switch (imapc.masterLogin()) {
      case SASL -> MasterLoginStyle.SASL;
      case SEPARATOR -> MasterLoginStyle.SEPARATOR;
    };
    imapc.masterUserFor(user).ifPresent(m -> b.masterUser(m, style));
    return b.build();
  }

  /**
   * The legacy IMAP server as {@code passdb = legacy} uses it: to check a password that a user just gave, by
   * logging in with it under the user's own login name ({@code imapc_user}), never through the master user.
   * The timeouts are short: a client is waiting for its LOGIN.
   *
   * @throws IllegalArgumentException when imapc_host is missing
   */
  public static LegacyImapEndpoint userLogin(Settings settings, String userPassword) {
    if (!settings.imapc().configured()) {
      throw new IllegalArgumentException("imapc_host is not set: passdb = legacy needs the legacy IMAP server");
    }
    Duration timeout = min(LOGIN_TIMEOUT, settings.imapc().cmdTimeout());
    return server(settings, userPassword).timeouts(timeout, timeout).build();
  }

  /** Host, port, TLS, imapc_user, features and prefix: what every login to the legacy server shares. */
  private static LegacyImapEndpoint.Builder server(Settings settings, String password) {
    ImapcSettings imapc = settings.imapc();
    Set<String> features = new TreeSet<>();
    for (ImapcFeature f : imapc.features()) {
      features.add(f.configName());
    }
    LegacyImapEndpoint.Builder b = LegacyImapEndpoint.builder(imapc.host())
        .port(imapc.port())
        .ssl(switch (imapc.ssl()) {
          case NO -> SslMode.NONE;
          case IMPLICIT -> SslMode.IMAPS;
          case STARTTLS -> SslMode.STARTTLS;
        }, imapc.sslVerify())
        .userTemplate(imapc.user())
        .password(password)
        .features(features)
        .listPrefix(imapc.listPrefix());
    settings.tls().clientCaFile().ifPresent(b::caFile);
    settings.tls().clientCaDir().ifPresent(b::caDir);
    return b;
  }

  /**
   * The legacy POP3 server for {@code user}'s UIDLs, or empty when {@code pop3c_host} or
   * {@code pop3_migration_mailbox} is not set (then no UIDLs are carried over, as without Dovecot's plugin).
   */
  public static java.util.Optional<LegacyPop3Endpoint> pop3(Settings settings, String user) {
    return pop3(settings, user, java.util.Optional.empty());
  }

  /** As {@link #pop3(Settings, String)}, with the user's own password in place of pop3c_password without a master. */
  public static java.util.Optional<LegacyPop3Endpoint> pop3(Settings settings, String user,
      java.util.Optional<String> ownPassword) {
    Pop3cSettings pop3c = settings.pop3c();
    if (!pop3c.configured() || settings.pop3Migration().mailbox().isEmpty()) {
      return java.util.Optional.empty();
    }
    boolean master = pop3c.masterUser().filter(m -> !m.isEmpty()).isPresent();
    String password = (master ? pop3c.password() : ownPassword.or(pop3c::password)).orElse("");
    if (password.isEmpty()) {
      throw new IllegalArgumentException("pop3c_password is not set: give the " + (pop3c.masterUser().isPresent()
          ? "master user's" : "user's") + " password (for example -o pop3c_password=...)");
    }
    LegacyPop3Endpoint.SslMode ssl = switch (pop3c.ssl()) {
      case NO -> LegacyPop3Endpoint.SslMode.NONE;
      case IMPLICIT -> LegacyPop3Endpoint.SslMode.POP3S;
      case STARTTLS -> LegacyPop3Endpoint.SslMode.STARTTLS;
    };
    Duration timeout = settings.imapc().cmdTimeout();
    return java.util.Optional.of(new LegacyPop3Endpoint(pop3c.host(), pop3c.port(), ssl, pop3c.sslVerify(),
        settings.tls().clientCaFile().orElse(null), settings.tls().clientCaDir().orElse(null), pop3c.user(),
        pop3c.masterUser().map(m -> UserTemplate.expand(m, user)).orElse(""), password,
        min(CONNECT_TIMEOUT, timeout), timeout));
  }

  /** Body fetching: {@code mail_prefetch_count} messages per pipelined batch (0: the source's default). */
  public static FetchLimits fetchLimits(Settings settings) {
    return FetchLimits.defaults().withBatchMessages(settings.migration().prefetchCount());
  }

  /**
   * {@code dsync_commit_msgs_interval}, {@code dsync_features}, {@code imapc_list_prefix}, the retry settings,
   * {@code pop3_uidl_format}.
   */
  public static MigrationOptions options(Settings settings) {
    ImapcSettings imapc = settings.imapc();
    RetryPolicy retry = new RetryPolicy(imapc.connectionRetryCount(), imapc.connectionRetryInterval(), 10,
        imapc.throttle().init(), imapc.throttle().max(), RetryPolicy.defaults().maxInterval());
    return new MigrationOptions(settings.migration().commitInterval(),
        settings.migration().has(DsyncFeature.EMPTY_HEADER_WORKAROUND), false, imapc.listPrefix(), retry, 1,
        Pop3Uidls.NONE, UidlFormat.parse(settings.pop3UidlFormat()));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
