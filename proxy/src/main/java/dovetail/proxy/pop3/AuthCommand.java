package dovetail.proxy.pop3;

import dovetail.proxy.imap.PlaintextAuthRule;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.Set;
import org.apache.james.core.Username;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.pop3.POP3Response;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.CapaCapability;

/**
 * AUTH PLAIN (RFC 5034, RFC 4616), with the initial response on the command line or after a "+ " continuation.
 * An authorization id other than the authentication id is a master-user login, as in IMAP AUTHENTICATE PLAIN.
 */
final class AuthCommand implements CommandHandler<POP3Session>, CapaCapability {
  private static final Response MECHANISMS = mechanisms();
  private static final Response UNSUPPORTED = new POP3Response(POP3Response.ERR_RESPONSE,
      "Unsupported authentication mechanism.").immutable();
  private static final Response ABORTED = new POP3Response(POP3Response.ERR_RESPONSE,
      "Authentication aborted.").immutable();
  private static final Response BAD_BASE64 = new POP3Response(POP3Response.ERR_RESPONSE,
      "[AUTH] Invalid base64 data in the response.").immutable();

  private final PlaintextAuthRule rule;
  private final PassCommand pass;

  AuthCommand(PlaintextAuthRule rule, PassCommand pass) {
    this.rule = rule;
    this.pass = pass;
  }

  private static Response mechanisms() {
    POP3Response r = new POP3Response(POP3Response.OK_RESPONSE, "");
    r.appendLine("PLAIN");
    r.appendLine(".");
    return r.immutable();
  }

  @Override
  public Response onCommand(POP3Session session, Request request) {
    if (session.getHandlerState() == POP3Session.TRANSACTION) {
      return Pop3Replies.BAD_STATE;
    }
    String argument = request.getArgument();
    if (argument == null || argument.isBlank()) {
      return MECHANISMS; // the list, as RFC 1734 and Dovecot answer a bare AUTH
    }
    String[] parts = argument.trim().split(" +", 2);
    if (!parts[0].equalsIgnoreCase("PLAIN")) {
      return UNSUPPORTED;
    }
    if (!ClientSecurity.plaintextAllowed(session, rule)) {
      return Pop3Replies.PLAINTEXT_DISALLOWED;
    }
    if (parts.length == 2) {
      return plain(session, parts[1]);
    }
    session.pushLineHandler(new LineHandler<POP3Session>() {
      @Override
      public Response onLine(POP3Session s, byte[] line) {
        s.popLineHandler();
        return plain(s, new String(line, StandardCharsets.US_ASCII).trim());
      }
    });
    return new POP3Response("+", "");
  }

  private Response plain(POP3Session session, String base64) {
    if (base64.equals("*")) {
      return ABORTED;
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(base64.equals("=") ? "" : base64);
    } catch (IllegalArgumentException e) {
      return BAD_BASE64;
    }
    String[] fields = new String(decoded, StandardCharsets.UTF_8).split("\0", -1);
    if (fields.length != 3 || fields[1].isEmpty()) {
      return Pop3Replies.AUTH_FAILED;
    }
    String authzid = fields[0];
    String authcid = fields[1];
    String password = fields[2];
    Username user;
    Username target;
    try {
      user = Username.of(authcid);
      target = authzid.isEmpty() || authzid.equals(authcid) ? null : Username.of(authzid);
    } catch (IllegalArgumentException e) {
      return Pop3Replies.AUTH_FAILED;
    }
    if (target == null) {
      return pass.login(session, authcid, s -> s.authenticate(user, password).withoutDelegation());
    }
    return pass.login(session, authcid + " as " + authzid, s -> s.authenticate(user, password).as(target));
  }

  @Override
  public Set<String> getImplementedCapabilities(POP3Session session) {
    // Not offered where it would be refused (a password before TLS), as Dovecot's pop3-login does not.
    return session.getHandlerState() == POP3Session.TRANSACTION || !ClientSecurity.plaintextAllowed(session, rule)
        ? Set.of() : Set.of("SASL PLAIN");
  }

  @Override
  public Collection<String> getImplCommands() {
    return Set.of("AUTH");
  }
}
