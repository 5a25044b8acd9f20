package dovetail.proxy.pop3;

import dovetail.store.StoreException;
import org.apache.james.protocols.api.handler.DisconnectHandler;
import org.apache.james.protocols.pop3.POP3Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session that ends without QUIT (a dropped line, a client that just closes) expunges nothing (RFC 1939 §6), but
 * what RETR sent still becomes \Seen, as in Dovecot: mail the client has downloaded does not show as unread in IMAP.
 */
final class SeenOnDisconnect implements DisconnectHandler<POP3Session> {
  private static final Logger LOG = LoggerFactory.getLogger(SeenOnDisconnect.class);

  @Override
  public void onDisconnect(POP3Session session) {
    if (session.getUserMailbox() instanceof Maildrop drop) {
      try {
        drop.saveSeen();
      } catch (StoreException e) {
        LOG.warn("POP3 {}: \\Seen of the messages RETR sent could not be saved: {}", session.getUsername(), e.getMessage());
      }
    }
  }
}
