package dovetail.proxy.pop3;

import dovetail.migrator.source.ForwardedClient;
import dovetail.proxy.auth.LoginClient;
import dovetail.proxy.auth.LoginSessionEnd;
import dovetail.proxy.auth.MasterLoginName;
import dovetail.proxy.auth.PassdbUnavailableException;
import dovetail.proxy.auth.SessionLimitException;
import dovetail.proxy.imap.PlaintextAuthRule;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.pop3.POP3Response;
import org.apache.james.protocols.pop3.POP3Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PASS (RFC 1939 section 7): the same authentication as IMAP LOGIN (passwd-file or legacy, user*master), whose
 * authenticators log a refusal without the password and delay it (auth_failure_delay), and answer a passdb that
 * cannot check the password now with [SYS/TEMP], not [AUTH]; then the maildrop opens,
 * INBOX migrated first. This runs on Pop3Server's command pool, never on a Netty event loop, so it may block.
 */
final class PassCommand implements CommandHandler<POP3Session> {
  private static final Logger LOG = LoggerFactory.getLogger(PassCommand.class);
  private static final Response NO_USER = new POP3Response(POP3Response.ERR_RESPONSE,
      "No username given.").immutable();

  private final PlaintextAuthRule rule;
  private final SessionProvider sessions;
  private final InboxAccess inboxes;

  PassCommand(PlaintextAuthRule rule, SessionProvider sessions, InboxAccess inboxes) {
    this.rule = rule;
    this.sessions = sessions;
    this.inboxes = inboxes;
  }

  @Override
  public Response onCommand(POP3Session session, Request request) {
    if (session.getHandlerState() == POP3Session.TRANSACTION) {
      return Pop3Replies.BAD_STATE;
    }
    if (session.getHandlerState() != POP3Session.AUTHENTICATION_USERSET) {
      return NO_USER;
    }
    if (!ClientSecurity.plaintextAllowed(session, rule)) {
      session.setHandlerState(POP3Session.AUTHENTICATION_READY);
      return Pop3Replies.PLAINTEXT_DISALLOWED;
    }
    String password = request.getArgument() == null ? "" : request.getArgument();
    Optional<MasterLoginName.Parts> master = session.getAttachment(UserCommand.MASTER_LOGIN, State.Connection);
    if (master.isPresent()) {
      MasterLoginName.Parts names = master.get();
      return login(session, names.user() + " (master user " + names.master() + ")",
          s -> s.authenticate(names.masterName(), password).as(names.userName()));
    }
    return login(session, session.getUsername(), password);
  }

  /** How a login proves itself: PASS with the USER name, or AUTH PLAIN, possibly as another user. */
  @FunctionalInterface
  interface Credentials {
    MailboxSession authenticate(SessionProvider sessions) throws MailboxException;
  }

  Response login(POP3Session session, Username given, String password) {
    return login(session, given.asString(), s -> s.authenticate(given, password).withoutDelegation());
  }

  /** Shared with AUTH PLAIN: authenticates, opens the maildrop (INBOX migrated first) and enters TRANSACTION. */
  Response login(POP3Session session, String loginName, Credentials credentials) {
    session.setHandlerState(POP3Session.AUTHENTICATION_READY);
    MailboxSession mailboxSession;
    // The passdb may tell the legacy server whose login it checks (LoginClient).
    try (LoginClient.Scope named = LoginClient.of(client(session))) {
      mailboxSession = credentials.authenticate(sessions);
    } catch (PassdbUnavailableException e) {
      return Pop3Replies.AUTH_UNAVAILABLE; // logged and delayed by the passdb; no wrong password
    } catch (SessionLimitException e) {
      return Pop3Replies.temporaryFailure(e.getMessage()); // mail_max_userip_connections, logged where counted
    } catch (MailboxException e) {
      return Pop3Replies.AUTH_FAILED; // logged and delayed by the authenticator
    }
    String user = mailboxSession.getUser().asString();
    Maildrop drop;
    try {
      drop = inboxes.open(user);
      session.setAttachment(POP3Session.UID_LIST, drop.getMessages(), State.Transaction);
    } catch (InboxAccess.Unavailable e) {
      LoginSessionEnd.end(mailboxSession); // no session came of this login
      return Pop3Replies.temporaryFailure(e.getMessage());
    } catch (IOException e) {
      LoginSessionEnd.end(mailboxSession);
      LOG.error("POP3: INBOX of {} cannot be listed: {}", user, e.getMessage());
      return Pop3Replies.temporaryFailure("INBOX cannot be listed now");
    }
    session.setAttachment(LoginEndOnDisconnect.LOGIN, mailboxSession, State.Connection);
    session.setUsername(mailboxSession.getUser());
    session.setUserMailbox(drop);
    session.setAttachment(POP3Session.DELETED_UID_LIST, new ArrayList<>(), State.Transaction);
    session.setHandlerState(POP3Session.TRANSACTION);
    LOG.info("POP3 login: {}", loginName);
    return new POP3Response(POP3Response.OK_RESPONSE, "Logged in.");
  }

  /** The connection's addresses and session id, or null when it has no TCP addresses. */
  private static ForwardedClient client(POP3Session session) {
    InetSocketAddress remote = session.getRemoteAddress();
    InetSocketAddress local = session.getLocalAddress();
    if (remote == null || local == null || remote.isUnresolved() || local.isUnresolved()) {
      return null;
    }
    return new ForwardedClient(remote, local, session.getSessionID());
  }

  @Override
  public Collection<String> getImplCommands() {
    return Set.of("PASS");
  }
}
