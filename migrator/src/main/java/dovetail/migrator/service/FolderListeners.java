package dovetail.migrator.service;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who wants to hear of one kind of event in a user's folder, such as: the folder may take new mail now (its migration
 * completed, or an INBOX turned out to have nothing to migrate: LMTP drains the spool it kept meanwhile); or the legacy
 * folder's HIGHESTMODSEQ rose after the migration (IMAP raises the folder's mod-sequences above it). A listener's
 * failure is logged and does not undo what happened.
 */
public final class FolderListeners {
  private static final Logger LOG = LoggerFactory.getLogger(FolderListeners.class);

  /** Told on the thread that did it, before the callers waiting for that folder return. */
  @FunctionalInterface
  public interface Listener {
    void changed(String user, String folder);
  }

  /** What happened, for the log of a listener's failure ("after migration"). */
  private final String event;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  FolderListeners(String event) {
    this.event = event;
  }

  void add(Listener listener) {
    listeners.add(listener);
  }

  void fire(String user, String folder) {
    for (Listener l : listeners) {
      try {
        l.changed(user, folder);
      } catch (RuntimeException e) {
        LOG.warn("{}: {}: {}: {}", user, folder, event, e.toString());
      }
    }
  }
}
