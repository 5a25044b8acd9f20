package dovetail.proxy.imap;

import java.lang.reflect.Method;
import org.apache.james.imap.api.process.ImapSession;

/**
 * The session as James's processors see it when {@code ssl = required}: TLS is required only for clients that
 * are not on loopback ({@link PlaintextAuthRule}). James decides "TLS required" once per server; this view
 * decides it per connection, so James's own LOGIN/AUTHENTICATE refusal and LOGINDISABLED follow the rule.
 * Everything else goes to the real session.
 */
final class SessionView extends SessionOverlay {
  private static final String ATTRIBUTE = SessionView.class.getName();

  private final boolean tlsRequired;

  private SessionView(ImapSession target, boolean tlsRequired) {
    super(target);
    this.tlsRequired = tlsRequired;
  }

  /** The view of {@code session}, made once per connection. */
  static ImapSession of(ImapSession session, PlaintextAuthRule rule) {
    if (!rule.tlsRequired()) {
      return session;
    }
    return once(session, ATTRIBUTE, () -> new SessionView(session, !rule.allows(false, ClientAddress.of(session))));
  }

  @Override
  Object overlay(Method method, Object[] args) {
    switch (method.getName()) {
      case "isSSLRequired":
        return tlsRequired;
      case "isAuthenticatingNonEncryptedWhenRequiredSSL":
        return tlsRequired && !target.isTLSActive();
      case "isPlainAuthDisallowed":
        return !target.isPlainAuthEnabled() || (tlsRequired && !target.isTLSActive());
      default:
        return PASS;
    }
  }
}
