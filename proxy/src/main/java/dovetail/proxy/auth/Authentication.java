package dovetail.proxy.auth;

import dovetail.conf.Passdb;
import dovetail.conf.Settings;
import dovetail.store.MailLocation;
import dovetail.store.StoreOptions;
import java.time.Duration;
import java.util.function.Predicate;
import org.apache.james.mailbox.Authenticator;
import org.apache.james.mailbox.Authorizator;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.store.SessionProviderImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication as the settings ask for it, built in one place: the users' passdb ({@code passwd-file} or
 * {@code legacy}), the master users ({@code master_passdb}, {@code auth_master_user_separator}) and the James
 * session provider that serves IMAP LOGIN and AUTHENTICATE PLAIN with both.
 */
public final class Authentication {
  private static final Logger LOG = LoggerFactory.getLogger(Authentication.class);
  /** How long a password the legacy server accepted is taken without asking again (Dovecot: auth_cache_ttl). */
  static final Duration RECENT_LOGIN_TTL = Duration.ofMinutes(5);
  private static final long RECENT_LOGIN_USERS = 100_000;

  private final Authenticator authenticator;
  private final Authorizator authorizator;
  private final SessionProvider sessions;
  private final Predicate<String> listedUsers;
  private final MasterLoginName masterNames;

  private Authentication(Authenticator authenticator, Authorizator authorizator, SessionProvider sessions,
      Predicate<String> listedUsers, MasterLoginName masterNames) {
    this.authenticator = authenticator;
    this.authorizator = authorizator;
    this.sessions = sessions;
    this.listedUsers = listedUsers;
    this.masterNames = masterNames;
  }

  /** The users a passwd-file passdb lists (LMTP's recipient check); none for passdb = legacy. */
  public Predicate<String> listedUsers() {
    return listedUsers;
  }

  /**
   * @param settings among them {@code auth_failure_delay}: how long a refused login waits before its answer
   * @param listener told about every login of a user with the user's own password
   * @throws IllegalArgumentException with one line for the operator, e.g. passdb = legacy without imapc_host
   */
  public static Authentication create(Settings settings, LoginListener listener) {
    FailedLogins failed = new FailedLogins(settings.authFailureDelay());
    SuccessfulLogins succeeded = new SuccessfulLogins(listener);
    UserPassdb users;
    Predicate<String> userExists;
    if (settings.passdb() instanceof Passdb.PasswdFile file) {
      PasswdFile passwd = new PasswdFile(file.path());
      users = new PasswdFileAuthenticator(passwd, failed, succeeded);
      userExists = name -> passwd.password(name).isPresent();
    } else {
      MailLocation location = MailLocation.parse(settings.store().mailLocation());
      StoreOptions options = StoreOptions.DEFAULT.withFsync(settings.store().fsync());
      LegacyAuthenticator.Retry retry = new LegacyAuthenticator.Retry(settings.imapc().connectionRetryCount(),
          settings.imapc().connectionRetryInterval());
      users = new LegacyAuthenticator(LegacyPasswordCheck.imap(settings), retry, new RecentLogins(RECENT_LOGIN_TTL,
          RECENT_LOGIN_USERS), new StoredPasswordHash(location, options), failed, succeeded);
      // Only the legacy server knows every user; a master user may open those Dovetail has a store for, so that
      // a typo does not make an empty store.
      userExists = name -> java.nio.file.Files.isDirectory(location.rootFor(name));
      LOG.info("passdb = legacy: passwords are checked by {}:{}", settings.imapc().host(), settings.imapc().port());
    }
    MasterPasswords masters = MasterPasswords.of(settings.masterUsers().passwdFile(), failed);
    Authorizator authorizator = new MasterUserAuthorizator(masters, userExists);
    MasterLoginName masterNames = new MasterLoginName(settings.masterUsers().separator());
    SessionProvider sessions = new MasterLoginSessions(new SessionProviderImpl(users, authorizator), users, masters,
        masterNames, failed, succeeded, new UserIpSessions(settings.maxUserIpConnections()));
    return new Authentication(users, authorizator, sessions,
        settings.passdb() instanceof Passdb.PasswdFile ? userExists : name -> false, masterNames);
  }

  /** The users' passdb (IMAP LOGIN, AUTHENTICATE PLAIN, and later POP3 USER/PASS). */
  public Authenticator authenticator() {
    return authenticator;
  }

  /** Master users may act as any user; nobody else as another. */
  public Authorizator authorizator() {
    return authorizator;
  }

  /** How a master login names its two users ({@code user*master}), for the front-ends that read login names. */
  public MasterLoginName masterLoginName() {
    return masterNames;
  }

  /** For the James mailbox manager: {@link #authenticator()} and {@link #authorizator()} plus user*master. */
  public SessionProvider sessionProvider() {
    return sessions;
  }
}
