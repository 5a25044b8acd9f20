package dovetail.proxy.pop3;

import dovetail.proxy.auth.PassdbUnavailableException;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.pop3.POP3Response;

/** The replies that carry RFC 2449/3206 response codes, in one place. */
final class Pop3Replies {
  /** As Dovecot's pop3-login: a password before TLS from a remote client under ssl = required. */
  static final Response PLAINTEXT_DISALLOWED = new POP3Response(POP3Response.ERR_RESPONSE,
      "[AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.").immutable();
  static final Response AUTH_FAILED = new POP3Response(POP3Response.ERR_RESPONSE,
      "[AUTH] Authentication failed.").immutable();
  /**
   * As Dovecot's pop3-login when the passdb cannot answer: RFC 3206 SYS/TEMP, so the client keeps the password and
   * retries. The session stays in the AUTHORIZATION state, as after a refused password.
   */
  static final Response AUTH_UNAVAILABLE = new POP3Response(POP3Response.ERR_RESPONSE,
      "[SYS/TEMP] " + PassdbUnavailableException.TEXT).immutable();
  static final Response BAD_STATE = new POP3Response(POP3Response.ERR_RESPONSE,
      "Command is not valid in this state").immutable();

  private Pop3Replies() {}

  /** RFC 3206 SYS/TEMP: the maildrop cannot be opened now (the legacy server is unavailable); the session ends. */
  static Response temporaryFailure(String why) {
    POP3Response r = new POP3Response(POP3Response.ERR_RESPONSE, "[SYS/TEMP] " + why);
    r.setEndSession(true);
    return r;
  }
}
