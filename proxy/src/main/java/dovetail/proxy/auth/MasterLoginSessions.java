package dovetail.proxy.auth;

import dovetail.migrator.source.ForwardedClient;
import java.net.InetAddress;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.exception.BadCredentialsException;
import org.apache.james.mailbox.exception.ForbiddenDelegationException;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.UserDoesNotExistException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * James's session provider with Dovecot's two master-user logins on top:
 *
 * <ul>
 *   <li>{@code LOGIN user*master password} (auth_master_user_separator): James would take "user*master" for a user
 *       name, so it is split here, at the first separator as Dovecot does (auth-request-fields.c);
 *   <li>SASL PLAIN with an authorization id: James asks {@link #authenticate(Username, String)}{@code .as(user)}
 *       with the master user as the authentication id.
 * </ul>
 *
 * Either way the master user's password is checked against {@code master_passdb} only (never the users' passdb),
 * then James's own provider asks the {@link MasterUserAuthorizator} and opens a session whose user is the target
 * user and whose logged-in user is the master. Every other login asks the users' passdb here, not through James's
 * provider, whose Authenticator can only say yes or no: a passdb that cannot answer becomes
 * {@link PassdbUnavailableException}, which the front-ends answer as a temporary failure, not a wrong password.
 *
 * <p>Every password login (IMAP LOGIN and AUTHENTICATE, POP3 PASS and AUTH, users and master users, whatever the
 * passdb) passes here, so this is where a password longer than {@link PasswordLength#MAX_BYTES} is refused: like a
 * wrong password (logged, the failure delay, BadCredentialsException), before any passdb hashes it or sends it to
 * the legacy server, and where one client's concurrent checks are limited ({@link ClientCheckLimit}).
 */
final class MasterLoginSessions implements SessionProvider {
  private static final Logger LOG = LoggerFactory.getLogger(MasterLoginSessions.class);
  private final SessionProvider james;
  private final UserPassdb users;
  private final MasterPasswords masters;
  private final MasterLoginName names;
  private final FailedLogins failed;
  private final ClientCheckLimit limit;
  private final SuccessfulLogins succeeded;
  private final UserIpSessions userIp;

  /**
   * @param succeeded what told the {@link LoginListener} of a user's login, to tell it of the session's end
   * @param userIp the sessions of each user from each address, limited
   */
  MasterLoginSessions(SessionProvider james, UserPassdb users, MasterPasswords masters, MasterLoginName names,
      FailedLogins failed, SuccessfulLogins succeeded, UserIpSessions userIp) {
    this.james = james;
    this.succeeded = succeeded;
    this.userIp = userIp;
    this.users = users;
    this.masters = masters;
    this.names = names;
    this.failed = failed;
    this.limit = failed.clients();
  }

  @Override
  public MailboxSession createSystemSession(Username user) {
    return james.createSystemSession(user);
  }

  @Override
  public AuthorizationStep authenticate(Username givenUser) {
    return james.authenticate(givenUser);
  }

  @Override
  public AuthorizationStep authenticate(Username givenUser, String password) {
    if (password != null && PasswordLength.tooLong(password)) {
      return refused(givenUser.asString());
    }
    return new AuthorizationStep() {
      @Override
      public MailboxSession withoutDelegation() throws MailboxException {
        String given = givenUser.asString();
        try (ClientCheckLimit.Slot slot = slot(given)) {
          if (!names.named(given)) {
            return asUser(givenUser, password);
          }
          // A name with the separator is a master login or nothing: never a user name to hand to the passdb.
          Optional<MasterLoginName.Parts> parts = names.split(given);
          if (parts.isEmpty()) {
            failed.refuse(given, "no user or master user name around the master user separator");
            throw new BadCredentialsException();
          }
          return asMaster(parts.get().master(), password, parts.get().user());
        }
      }

      @Override
      public MailboxSession as(Username otherUser) throws MailboxException {
        String given = givenUser.asString();
        try (ClientCheckLimit.Slot slot = slot(given)) {
          if (!masters.isMaster(given)) {
            failed.refuse(given, "not a master user, may not log in as " + otherUser.asString());
            throw new BadCredentialsException();
          }
          return asMaster(given, password, otherUser.asString());
        }
      }

      @Override
      public MailboxSession forMatchingUser(Predicate<Username> otherUser) throws MailboxException {
        return james.authenticate(givenUser, password).forMatchingUser(otherUser);
      }
    };
  }

  /**
   * A place for this check among its client's ({@link ClientCheckLimit}); a login it refuses is a temporary failure,
   * unchecked and without the failure delay (which would hold a thread again).
   */
  private ClientCheckLimit.Slot slot(String given) throws PassdbUnavailableException {
    Optional<InetAddress> client = LoginClient.current().map(c -> c.remote().getAddress());
    if (client.isEmpty()) {
      return () -> { };
    }
    Optional<ClientCheckLimit.Slot> slot;
    try {
      slot = limit.enter(client.get(), LoginClient.waitingAllowed());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PassdbUnavailableException();
    }
    if (slot.isEmpty()) {
      LOG.warn("too many logins at once from {}: {} answered as a temporary failure, not checked",
          client.get().getHostAddress(), given);
      throw new PassdbUnavailableException();
    }
    return slot.get();
  }

  /** Every way on from here is refused, once, as a wrong password is. */
  private AuthorizationStep refused(String given) {
    return new AuthorizationStep() {
      @Override
      public MailboxSession withoutDelegation() throws MailboxException {
        throw refuse();
      }

      @Override
      public MailboxSession as(Username otherUser) throws MailboxException {
        throw refuse();
      }

      @Override
      public MailboxSession forMatchingUser(Predicate<Username> otherUser) throws MailboxException {
        throw refuse();
      }

      private BadCredentialsException refuse() {
        failed.refuse(given, "password longer than " + PasswordLength.MAX_BYTES + " bytes");
        return new BadCredentialsException();
      }
    };
  }

  /**
   * The user's own password, asked of the users' passdb; James then opens the session, asking nothing more. The
   * passdb told the {@link LoginListener} of the login: the session carries its end ({@link LoginSessionEnd}).
   */
  private MailboxSession asUser(Username user, String password) throws MailboxException {
    return switch (users.verify(user.asString(), password == null ? "" : password)) {
      case ACCEPTED -> heardSession(user);
      case REFUSED -> throw new BadCredentialsException();
      case UNAVAILABLE -> throw new PassdbUnavailableException();
    };
  }

  private MailboxSession heardSession(Username user) throws MailboxException {
    Runnable release = place(user.asString());
    MailboxSession session;
    try {
      session = james.authenticate(user).withoutDelegation();
    } catch (MailboxException | RuntimeException e) {
      release.run();
      succeeded.ended(user.asString()); // no session: the login ends here
      throw e;
    }
    LoginSessionEnd.attach(session, () -> {
      release.run();
      succeeded.ended(user.asString());
    });
    return session;
  }

  /** The session's place among its user's from its client's address ({@link UserIpSessions}), or the refusal. */
  private Runnable place(String user) throws SessionLimitException {
    Optional<ForwardedClient> client = LoginClient.current();
    if (client.isEmpty()) {
      return () -> { };
    }
    Optional<Runnable> place = userIp.open(user, client.get().remote().getAddress(), client.get().local().getPort());
    if (place.isEmpty()) {
      succeeded.ended(user); // the login was reported; no session comes of it
      LOG.warn("user {} refused from {}: {}", user, client.get().remote().getAddress().getHostAddress(),
          userIp.refusal());
      throw new SessionLimitException(userIp.refusal());
    }
    return place.get();
  }

  private MailboxSession asMaster(String master, String password, String user) throws MailboxException {
    if (!masters.check(master, password, user)) {
      throw new BadCredentialsException();
    }
    Username target;
    try {
      target = Username.of(user);
    } catch (IllegalArgumentException e) {
      failed.refuse(master + " (master user, for " + user + ")", "not a valid user name");
      throw new BadCredentialsException();
    }
    try {
      return james.authenticate(Username.of(master)).as(target);
    } catch (UserDoesNotExistException | ForbiddenDelegationException e) {
      // Answered like a wrong password, so that a master login cannot be used to probe for user names.
      failed.refuse(master + " (master user, for " + user + ")", "no such user");
      throw new BadCredentialsException();
    }
  }
}
