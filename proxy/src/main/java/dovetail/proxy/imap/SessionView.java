package dovetail.proxy.imap;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.apache.james.imap.api.process.ImapSession;

/**
 * The session as James's processors see it when {@code ssl = required}: TLS is required only for clients that
 * are not on loopback ({@link PlaintextAuthRule}). James decides "TLS required" once per server; this view
 * decides it per connection, so James's own LOGIN/AUTHENTICATE refusal and LOGINDISABLED follow the rule.
 * Everything else goes to the real session.
 */
final class SessionView implements InvocationHandler {
  private static final String ATTRIBUTE = SessionView.class.getName();

  private final ImapSession target;
  private final boolean tlsRequired;

  private SessionView(ImapSession target, boolean tlsRequired) {
    this.target = target;
    this.tlsRequired = tlsRequired;
  }

  /** The view of {@code session}, made once per connection. */
  static ImapSession of(ImapSession session, PlaintextAuthRule rule) {
    if (!rule.tlsRequired()) {
      return session;
    }
    Object existing = session.getAttribute(ATTRIBUTE);
    if (existing instanceof ImapSession view) {
      return view;
    }
    boolean required = !rule.allows(false, ClientAddress.of(session));
    ImapSession view = (ImapSession) Proxy.newProxyInstance(ImapSession.class.getClassLoader(),
        new Class<?>[] {ImapSession.class}, new SessionView(session, required));
    session.setAttribute(ATTRIBUTE, view);
    return view;
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    switch (method.getName()) {
      case "isSSLRequired":
        return tlsRequired;
      case "isAuthenticatingNonEncryptedWhenRequiredSSL":
        return tlsRequired && !target.isTLSActive();
      case "isPlainAuthDisallowed":
        return !target.isPlainAuthEnabled() || (tlsRequired && !target.isTLSActive());
      case "equals":
        return args[0] == proxy || target.equals(args[0]);
      case "hashCode":
        return target.hashCode();
      case "toString":
        return target.toString();
      default:
        try {
          return method.invoke(target, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
    }
  }
}
