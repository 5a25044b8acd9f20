package dovetail.proxy.imap;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.apache.james.events.EventBus;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;

/**
 * The session as James's processors see it, so that a selected folder is a {@link FolderView}: when SELECT or
 * EXAMINE hands the session James's own selected mailbox, the session takes a FolderView over it instead and
 * loads it. Everything else goes to the session underneath.
 */
final class FolderViewSession implements InvocationHandler {
  private static final String ATTRIBUTE = FolderViewSession.class.getName();

  private final ImapSession target;
  private final EventBus eventBus;

  private FolderViewSession(ImapSession target, EventBus eventBus) {
    this.target = target;
    this.eventBus = eventBus;
  }

  /**
   * The view of {@code session} (made once per connection) over {@code seen}, the session as the layers before
   * this one present it.
   */
  static ImapSession of(ImapSession session, ImapSession seen, EventBus eventBus) {
    Object existing = session.getAttribute(ATTRIBUTE);
    if (existing instanceof ImapSession view) {
      return view;
    }
    ImapSession view = (ImapSession) Proxy.newProxyInstance(ImapSession.class.getClassLoader(),
        new Class<?>[] {ImapSession.class}, new FolderViewSession(seen, eventBus));
    session.setAttribute(ATTRIBUTE, view);
    return view;
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    switch (method.getName()) {
      case "selected":
        if (args != null && args.length == 1 && args[0] instanceof SelectedMailbox james
            && !(james instanceof FolderView)) {
          FolderView view = new FolderView(james, target.getMailboxSession(), eventBus);
          return target.selected(view).then(view.start());
        }
        break;
      case "equals":
        return args[0] == proxy || target.equals(args[0]);
      case "hashCode":
        return target.hashCode();
      case "toString":
        return target.toString();
      default:
        break;
    }
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
