package dovetail.proxy.pop3;

import dovetail.proxy.imap.PlaintextAuthRule;
import dovetail.proxy.auth.MasterLoginName;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import org.apache.james.core.Username;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.pop3.POP3Response;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.CapaCapability;

/**
 * USER (RFC 1939 section 7): remembers the name for PASS; refused before TLS when ssl = required. A master login's
 * name ({@code user*master}, also {@code erin@example.org*master}) is split here ({@link MasterLoginName}), and PASS
 * logs the master user in as the user.
 */
final class UserCommand implements CommandHandler<POP3Session>, CapaCapability {
  /** The names of a master login, for PASS; none for a user's own login. */
  static final ProtocolSession.AttachmentKey<MasterLoginName.Parts> MASTER_LOGIN =
      ProtocolSession.AttachmentKey.of("dovetail.pop3.masterLogin", MasterLoginName.Parts.class);
  private static final Response BAD_STATE = new POP3Response(POP3Response.ERR_RESPONSE,
      "USER is not valid now").immutable();
  private static final Response NO_NAME = new POP3Response(POP3Response.ERR_RESPONSE,
      "Usage: USER name").immutable();

  private final PlaintextAuthRule rule;
  private final MasterLoginName masterNames;

  UserCommand(PlaintextAuthRule rule, MasterLoginName masterNames) {
    this.rule = rule;
    this.masterNames = masterNames;
  }

  @Override
  public Response onCommand(POP3Session session, Request request) {
    if (session.getHandlerState() != POP3Session.AUTHENTICATION_READY) {
      return BAD_STATE;
    }
    if (!ClientSecurity.plaintextAllowed(session, rule)) {
      return Pop3Replies.PLAINTEXT_DISALLOWED;
    }
    String name = request.getArgument();
    if (name == null || name.isBlank()) {
      return NO_NAME;
    }
    Optional<MasterLoginName.Parts> master = masterNames.split(name);
    try {
      if (master.isPresent()) {
        master.get().masterName(); // a valid name, or NO_NAME now rather than at PASS
        session.setUsername(master.get().userName());
        session.setAttachment(MASTER_LOGIN, master.get(), ProtocolSession.State.Connection);
      } else {
        session.setUsername(Username.of(name));
        session.removeAttachment(MASTER_LOGIN, ProtocolSession.State.Connection);
      }
    } catch (IllegalArgumentException e) {
      return NO_NAME;
    }
    session.setHandlerState(POP3Session.AUTHENTICATION_USERSET);
    return POP3Response.OK;
  }

  @Override
  public Set<String> getImplementedCapabilities(POP3Session session) {
    // Not offered where it would be refused (a password before TLS), as Dovecot's pop3-login does not.
    return session.getHandlerState() == POP3Session.TRANSACTION || !ClientSecurity.plaintextAllowed(session, rule)
        ? Set.of() : Set.of("USER");
  }

  @Override
  public Collection<String> getImplCommands() {
    return Set.of("USER");
  }
}
