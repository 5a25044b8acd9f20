package dovetail.proxy.imap;

import dovetail.proxy.mailbox.RecentClaims;
import java.lang.reflect.Method;
import org.apache.james.events.EventBus;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import reactor.core.publisher.Mono;

/**
 * The session as James's processors see it, so that a selected folder is a {@link FolderView}: when SELECT or
 * EXAMINE hands the session James's own selected mailbox, the session takes a FolderView over it instead and
 * loads it. Everything else goes to the session underneath.
 */
final class FolderViewSession extends SessionOverlay {
  private static final String ATTRIBUTE = FolderViewSession.class.getName();

  private final EventBus eventBus;
  private final RecentClaims recentClaims;

  private FolderViewSession(ImapSession target, EventBus eventBus, RecentClaims recentClaims) {
    super(target);
    this.eventBus = eventBus;
    this.recentClaims = recentClaims;
  }

  /**
   * The view of {@code session} (made once per connection) over {@code seen}, the session as the layers before
   * this one present it.
   */
  static ImapSession of(ImapSession session, ImapSession seen, EventBus eventBus, RecentClaims recentClaims) {
    return once(session, ATTRIBUTE, () -> new FolderViewSession(seen, eventBus, recentClaims));
  }

  /**
   * Deselects the session's folder and closes its view at once. James 3.8.1's NettyImapSession.deselect() forgets the
   * selected folder before it closes it, so UNSELECT, CLOSE, EXAMINE's CLOSE and a failed SELECT never closed it: the
   * view stayed registered for the folder's events for the life of the process, with its UID list and its user's
   * folder states (walk-through 14, L2; review 16). At once, not when the returned Mono runs: a CLOSE whose expunge
   * fails never runs it, and James has forgotten the folder already. Closing a view twice is harmless.
   */
  static Mono<Void> deselect(ImapSession session) {
    SelectedMailbox selected = session.getSelected();
    Mono<Void> james = session.deselect();
    if (selected != null) {
      Mono.from(selected.deselect()).subscribe();
    }
    return james;
  }

  @Override
  Object overlay(Method method, Object[] args) {
    if (method.getName().equals("deselect") && (args == null || args.length == 0)) {
      return deselect(target);
    }
    if (method.getName().equals("selected") && args != null && args.length == 1
        && args[0] instanceof SelectedMailbox james && !(james instanceof FolderView)) {
      FolderView view = new FolderView(james, target.getMailboxSession(), eventBus, recentClaims,
          () -> ReadOnlySelection.isReadOnly(target));
      return target.selected(view).then(view.start());
    }
    return PASS;
  }
}
