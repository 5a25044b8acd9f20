package dovetail.proxy.imap;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Supplier;
import org.apache.james.imap.api.process.ImapSession;

/**
 * A per-connection view of an {@link ImapSession} for James's processors: it answers a few methods itself and
 * passes every other call to the session underneath. James has no hook for these decisions, hence a proxy.
 */
abstract class SessionOverlay implements InvocationHandler {
  /** Returned by {@link #overlay} for a call that goes to the session underneath. */
  static final Object PASS = new Object();

  final ImapSession target;

  SessionOverlay(ImapSession target) {
    this.target = target;
  }

  /** The view kept in {@code session}'s attribute {@code key}, made on first use. */
  static ImapSession once(ImapSession session, String key, Supplier<SessionOverlay> make) {
    if (session.getAttribute(key) instanceof ImapSession view) {
      return view;
    }
    ImapSession view = (ImapSession) Proxy.newProxyInstance(ImapSession.class.getClassLoader(),
        new Class<?>[] {ImapSession.class}, make.get());
    session.setAttribute(key, view);
    return view;
  }

  /** This view's answer to the call, or {@link #PASS}. */
  abstract Object overlay(Method method, Object[] args) throws Throwable;

  @Override
  public final Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    switch (method.getName()) {
      case "equals":
        return args[0] == proxy || target.equals(args[0]);
      case "hashCode":
        return target.hashCode();
      case "toString":
        return target.toString();
      default:
        break;
    }
    Object answer = overlay(method, args);
    if (answer != PASS) {
      return answer;
    }
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
