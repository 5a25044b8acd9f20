package dovetail.proxy.auth;

import org.apache.james.mailbox.MailboxSession;

/** For the front-ends' tests: a mailbox session whose login end is heard, as a heard login's session carries it. */
public final class LoginSessionEnds {
  private LoginSessionEnds() {}

  public static void attach(MailboxSession session, Runnable report) {
    LoginSessionEnd.attach(session, report);
  }
}
