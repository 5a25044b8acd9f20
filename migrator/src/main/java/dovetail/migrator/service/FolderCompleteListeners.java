package dovetail.migrator.service;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who wants to hear that a folder may take new mail now: its migration completed, or (INBOX of a local account the
 * legacy server does not know) it turned out to have nothing to migrate. LMTP drains the spool it kept meanwhile. A
 * listener's failure is logged and does not undo the migration.
 */
public final class FolderCompleteListeners {
  private static final Logger LOG = LoggerFactory.getLogger(FolderCompleteListeners.class);

  /** Told on the migration's thread, before the callers waiting for that folder return. */
  @FunctionalInterface
  public interface Listener {
    void folderComplete(String user, String folder);
  }

  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  void add(Listener listener) {
    listeners.add(listener);
  }

  void fire(String user, String folder) {
    for (Listener l : listeners) {
      try {
        l.folderComplete(user, folder);
      } catch (RuntimeException e) {
        LOG.warn("{}: {}: after migration: {}", user, folder, e.toString());
      }
    }
  }
}
