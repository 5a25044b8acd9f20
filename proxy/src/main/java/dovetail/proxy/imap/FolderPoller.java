package dovetail.proxy.imap;

import dovetail.proxy.mailbox.MailboxBackend;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.model.MailboxId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at every folder that some session has selected, on a timer, so that a client idling in IDLE hears of
 * messages that another writer (Dovecot LDA, a migration) added. Sessions are held weakly: a closed connection
 * drops out by itself.
 */
final class FolderPoller implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(FolderPoller.class);

  private final MailboxBackend backend;
  private final Set<ImapSession> sessions = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  FolderPoller(MailboxBackend backend) {
    this.backend = backend;
  }

  void watch(ImapSession session) {
    sessions.add(session);
  }

  @Override
  public void run() {
    List<ImapSession> snapshot;
    synchronized (sessions) {
      snapshot = new ArrayList<>(sessions);
    }
    Set<String> done = new HashSet<>();
    for (ImapSession session : snapshot) {
      SelectedMailbox selected = session.getSelected();
      MailboxSession mailboxSession = session.getMailboxSession();
      if (selected == null || mailboxSession == null) {
        continue;
      }
      MailboxId id = selected.getMailboxId();
      if (done.add(mailboxSession.getUser().asString() + "\0" + id.serialize())) {
        try {
          backend.refresh(mailboxSession, id).block();
        } catch (RuntimeException e) {
          LOG.warn("cannot look for changes in {} of {}: {}", id, mailboxSession.getUser().asString(), e.toString());
        }
      }
    }
  }
}
