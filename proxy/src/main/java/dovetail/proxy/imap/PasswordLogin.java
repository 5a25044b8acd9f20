package dovetail.proxy.imap;

import dovetail.proxy.auth.PassdbUnavailableException;
import dovetail.proxy.auth.SessionLimitException;
import org.apache.james.core.Username;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.request.ImapRequest;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor.Responder;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.exception.BadCredentialsException;
import org.apache.james.mailbox.exception.MailboxException;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A LOGIN or AUTHENTICATE with the user's own password (no authorization id), as James 3.8.1's
 * AbstractAuthProcessor.doAuth runs it, with the one outcome James has no answer for: a passdb that cannot check the
 * password now ({@link PassdbUnavailableException}). James would log it as an error with a stack trace and answer
 * "NO Generic failure"; Dovecot answers {@code NO [UNAVAILABLE] Temporary authentication failure.}, which clients
 * take as "retry later, keep the password", and does not count it toward the disconnect after three failed logins.
 */
final class PasswordLogin {
  private static final Logger LOG = LoggerFactory.getLogger(PasswordLogin.class);
  private static final HumanReadableText TEMPORARY_FAILURE = new HumanReadableText(
      "org.apache.james.imap.dovetail.auth_unavailable", PassdbUnavailableException.TEXT);

  private PasswordLogin() {}

  /**
   * James's protected steps of a login, which only its processors can take, handed over as references to them:
   * getMailboxManager, provisionInbox, okComplete, manageFailureCount (a refused password is answered NO and
   * counted; the third gets BYE) and no.
   */
  record Steps(Supplier<MailboxManager> mailboxes, Provisioning provision, BiConsumer<ImapRequest, Responder> succeeded,
      FailureCount countFailure, Refusal answerNo) {}

  interface Provisioning {
    void provision(ImapSession session, MailboxManager mailboxes, MailboxSession user) throws MailboxException;
  }

  interface FailureCount {
    void count(ImapSession session, ImapRequest request, Responder responder, HumanReadableText failed);
  }

  interface Refusal {
    void no(ImapRequest request, Responder responder, HumanReadableText text);
  }

  /** @param user the authentication id, null when the client sent none */
  static void run(Username user, String password, ImapSession session, ImapRequest request, Responder responder,
      HumanReadableText failed, Steps steps, StatusResponseFactory responses) {
    if (user == null) {
      steps.countFailure().count(session, request, responder, failed);
      return;
    }
    try {
      MailboxManager mailboxes = steps.mailboxes().get();
      MailboxSession opened;
      try {
        opened = mailboxes.authenticate(user, password).withoutDelegation();
      } catch (BadCredentialsException e) {
        steps.countFailure().count(session, request, responder, failed);
        return;
      } catch (PassdbUnavailableException e) {
        // Logged by the passdb, without a stack trace: an outage of the legacy server is no bug here.
        // Without the command name James's no() would put before the text: Dovecot's words exactly.
        Replies.send(responder, responses.taggedNo(request.getTag(), null, TEMPORARY_FAILURE,
            ResponseCodeFix.plain("UNAVAILABLE")));
        return;
      } catch (SessionLimitException e) { // mail_max_userip_connections, logged where it was counted
        Replies.send(responder, responses.taggedNo(request.getTag(), null,
            new HumanReadableText("org.apache.james.imap.dovetail.userip_limit", e.getMessage()),
            ResponseCodeFix.plain("LIMIT")));
        return;
      }
      session.authenticated();
      session.setMailboxSession(opened);
      LoginEndOnClose.loginFinished(session);
      steps.provision().provision(session, mailboxes, opened);
      steps.succeeded().accept(request, responder);
      responder.flush();
      session.stopDetectingCommandInjection();
    } catch (MailboxException e) {
      LOG.error("IMAP login of {}: the mailbox session could not be set up", user.asString(), e);
      steps.answerNo().no(request, responder, HumanReadableText.GENERIC_FAILURE_DURING_PROCESSING);
      responder.flush();
    }
  }
}
