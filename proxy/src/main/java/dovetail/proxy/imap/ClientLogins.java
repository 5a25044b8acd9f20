package dovetail.proxy.imap;

import dovetail.migrator.source.ForwardedClient;
import dovetail.proxy.auth.LoginClient;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.james.core.Username;
import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.request.ImapRequest;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.AuthenticateRequest;
import org.apache.james.imap.message.request.IRAuthenticateRequest;
import org.apache.james.imap.message.request.LoginRequest;
import org.apache.james.imap.message.response.AuthenticateResponse;
import org.apache.james.imap.processor.AuthenticateProcessor;
import org.apache.james.imap.processor.LoginProcessor;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.metrics.api.MetricFactory;
import reactor.core.publisher.Mono;

/**
 * LOGIN and AUTHENTICATE as James processes them, except that while James checks the password ({@code doAuth}) the
 * connection's client is named for the passdb ({@link LoginClient}), so that {@code passdb = legacy} can send the
 * client's address to the legacy server. James's Authenticator is asked only user and password, and {@code doAuth}
 * runs on another thread than this processor (a blocking-call worker for LOGIN, the line-handler thread for
 * AUTHENTICATE's answer), so it is named there, in doAuth itself, which {@link PasswordLogin} runs so that a passdb
 * that cannot answer gets a temporary failure. Both run on {@link LoginThreads}, not on James's blocking-call threads.
 * Capabilities stay those of James's own processors.
 */
final class ClientLogins implements ImapProcessor {
  private static final String ATTRIBUTE = "dovetail.imap.CLIENT";

  private final ImapProcessor james;
  private final LoginProcessor login;
  private final AuthenticateProcessor authenticate;

  ClientLogins(ImapProcessor james, MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics) {
    this.james = james;
    this.login = new Login(mailboxes, responses, metrics);
    this.authenticate = new Authenticate(mailboxes, responses, metrics);
  }

  /** James's LOGIN, with the client named for the passdb and {@link PasswordLogin}'s answers. */
  private static final class Login extends LoginProcessor {
    private final StatusResponseFactory responses;
    private final PasswordLogin.Steps steps = new PasswordLogin.Steps(this::getMailboxManager, this::provisionInbox,
        this::okComplete, this::manageFailureCount, this::no);

    Login(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics) {
      super(mailboxes, responses, metrics);
      this.responses = responses;
    }

    @Override
    protected Mono<Void> processRequestReactive(LoginRequest request, ImapSession session, Responder responder) {
      return LoginThreads.run(() -> processRequest(request, session, responder));
    }

    /** {@code LOGIN user*master password} is a login of the master user as the user, as with SASL's authorization id. */
    @Override
    protected void processRequest(LoginRequest request, ImapSession session, Responder responder) {
      if (request instanceof LoginParser.MasterLoginRequest master && !session.isPlainAuthDisallowed()) {
        doAuthWithDelegation(delegation(master.getUserid(), master.master(), master.getPassword()), session, request,
            responder);
      } else {
        super.processRequest(request, session, responder);
      }
    }

    @Override
    protected void doAuthWithDelegation(AuthenticationAttempt attempt, ImapSession session, ImapRequest request,
        Responder responder) {
      try (LoginClient.Scope named = LoginClient.of(of(session))) {
        super.doAuthWithDelegation(attempt, session, request, responder);
      }
    }

    @Override
    protected void doAuth(AuthenticationAttempt attempt, ImapSession session, ImapRequest request,
        Responder responder, HumanReadableText failed) {
      try (LoginClient.Scope named = LoginClient.of(of(session))) {
        PasswordLogin.run(attempt.getAuthenticationId(), attempt.getPassword(), session, request, responder, failed,
            steps, responses);
      }
    }
  }

  /** James's AUTHENTICATE, the same way as {@link Login}; with an authorization id (a master login) James's own. */
  private static final class Authenticate extends AuthenticateProcessor {
    private static final HumanReadableText ABORTED =
        new HumanReadableText("dovetail.imap.AUTHENTICATE_ABORTED", "Authentication aborted by client.");
    private final StatusResponseFactory responses;
    private final PasswordLogin.Steps steps = new PasswordLogin.Steps(this::getMailboxManager, this::provisionInbox,
        this::okComplete, this::manageFailureCount, this::no);

    Authenticate(MailboxManager mailboxes, StatusResponseFactory responses, MetricFactory metrics) {
      super(mailboxes, responses, metrics);
      this.responses = responses;
    }

    @Override
    protected Mono<Void> processRequestReactive(AuthenticateRequest request, ImapSession session,
        Responder responder) {
      if (request instanceof IRAuthenticateRequest || session.isPlainAuthDisallowed()) {
        return LoginThreads.run(() -> processRequest(request, session, responder));
      }
      return Mono.fromRunnable(() -> askForTheResponse(request, session, responder));
    }

    /**
     * AUTHENTICATE without an initial response: the "+ " and the line handler for the client's answer, within the
     * command. James sends them from a task on the event loop (executeSafely), which wrote into the command's response
     * buffer while the command's end flushed it from another thread ("+ " twice, or the tagged OK run into it and
     * lost). The decoder gives the answer line to the handler only once this command has been answered. Only PLAIN is
     * offered (AUTH=PLAIN); another mechanism is refused at once, as James refuses an unknown one.
     */
    private void askForTheResponse(AuthenticateRequest request, ImapSession session, Responder responder) {
      if (!request.getAuthType().equalsIgnoreCase("PLAIN")) {
        no(request, responder, HumanReadableText.UNSUPPORTED_AUTHENTICATION_MECHANISM);
        return;
      }
      responder.respond(new AuthenticateResponse());
      session.pushLineHandler((answering, line) -> {
        String answer = withoutLineEnd(line);
        if (answer.equals("*")) { // RFC 3501 §6.2.2: the client cancels; not a failed login
          taggedBad(request, responder, ABORTED);
        } else {
          try (LoginClient.Scope waits = LoginClient.mayWait()) { // as LOGIN's check, on LoginThreads (LoginThreads.run)
            doPlainAuth(answer, answering, request, responder);
          }
        }
        answering.popLineHandler();
        responder.flush();
      });
    }

    /** As James's, with the message read as UTF-8 ({@link SaslPlainMessage}); a malformed one fails as James's does. */
    @Override
    protected void doPlainAuth(String initialClientResponse, ImapSession session, ImapRequest request,
        Responder responder) {
      // A name James cannot take ("a@b@c") failed with an ERROR: here it fails as a malformed message does.
      Optional<SaslPlainMessage> message = SaslPlainMessage.decode(initialClientResponse).filter(m -> namesUsers(m));
      // An authorization id that is the user itself in other letter case is no master login (James compares names
      // without case, and refused it as a delegation with an ERROR and no failure delay: walk-through 19, F1).
      Optional<Username> actAs = message.flatMap(SaslPlainMessage::authorizationId).map(Username::of)
          .filter(target -> !target.equals(Username.of(message.get().authenticationId())));
      if (actAs.isPresent()) {
        doAuthWithDelegation(delegation(actAs.get(), Username.of(message.get().authenticationId()),
            message.get().password()), session, request, responder);
      } else {
        doAuth(message.isPresent() ? noDelegation(Username.of(message.get().authenticationId()),
            message.get().password()) : noDelegation(null, null), session, request, responder,
            HumanReadableText.AUTHENTICATION_FAILED);
      }
      session.stopDetectingCommandInjection();
    }

    private static boolean namesUsers(SaslPlainMessage m) {
      try {
        Username.of(m.authenticationId());
        m.authorizationId().ifPresent(Username::of);
        return true;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }

    private static String withoutLineEnd(byte[] line) {
      int end = line.length;
      while (end > 0 && (line[end - 1] == '\n' || line[end - 1] == '\r')) {
        end--;
      }
      return new String(line, 0, end, StandardCharsets.US_ASCII);
    }

    @Override
    protected void doAuthWithDelegation(AuthenticationAttempt attempt, ImapSession session, ImapRequest request,
        Responder responder) {
      try (LoginClient.Scope named = LoginClient.of(of(session))) {
        super.doAuthWithDelegation(attempt, session, request, responder);
      }
    }

    @Override
    protected void doAuth(AuthenticationAttempt attempt, ImapSession session, ImapRequest request,
        Responder responder, HumanReadableText failed) {
      try (LoginClient.Scope named = LoginClient.of(of(session))) {
        PasswordLogin.run(attempt.getAuthenticationId(), attempt.getPassword(), session, request, responder, failed,
            steps, responses);
      }
    }
  }

  /** Keeps the connection's addresses with its session, where the login processors find them. */
  static void remember(ImapSession session, Channel channel) {
    if (session.getAttribute(ATTRIBUTE) == null && channel.remoteAddress() instanceof InetSocketAddress remote
        && channel.localAddress() instanceof InetSocketAddress local && !remote.isUnresolved()
        && !local.isUnresolved()) {
      session.setAttribute(ATTRIBUTE, new ForwardedClient(remote, local, session.sessionId().asString()));
    }
  }

  /** The session's client, or null when its connection was not seen (no TCP addresses). */
  static ForwardedClient of(ImapSession session) {
    return session.getAttribute(ATTRIBUTE) instanceof ForwardedClient client ? client : null;
  }

  @Override
  public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
    if (message instanceof LoginRequest) {
      return login.processReactive(message, responder, session);
    }
    if (message instanceof AuthenticateRequest) {
      return authenticate.processReactive(message, responder, session);
    }
    return james.processReactive(message, responder, session);
  }

  @Override
  public void configure(ImapConfiguration configuration) {
    james.configure(configuration);
    login.configure(configuration);
    authenticate.configure(configuration);
  }
}
