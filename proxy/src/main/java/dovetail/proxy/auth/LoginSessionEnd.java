package dovetail.proxy.auth;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.james.mailbox.MailboxSession;

/**
 * The end of a session opened by a login that the {@link LoginListener} heard of, kept with its mailbox session.
 * The front-ends end it where their session ends, which may be seen more than once (LOGOUT, then the connection's
 * close); the listener hears of it once. Sessions of master logins carry none: their login was not heard of.
 */
public final class LoginSessionEnd {
  private static final String ATTRIBUTE = "dovetail.auth.LOGIN_SESSION_END";

  private final AtomicBoolean ended = new AtomicBoolean();
  private final Runnable report;

  private LoginSessionEnd(Runnable report) {
    this.report = report;
  }

  static void attach(MailboxSession session, Runnable report) {
    session.getAttributes().put(ATTRIBUTE, new LoginSessionEnd(report));
  }

  /** Reports the end of the session's login, unless it was reported before; null or a master login's: nothing. */
  public static void end(MailboxSession session) {
    if (session != null && session.getAttributes().get(ATTRIBUTE) instanceof LoginSessionEnd end
        && end.ended.compareAndSet(false, true)) {
      end.report.run();
    }
  }
}
