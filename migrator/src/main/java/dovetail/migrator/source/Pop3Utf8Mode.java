package dovetail.migrator.source;

import jakarta.mail.MessagingException;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.angus.mail.pop3.POP3Folder;
import org.eclipse.angus.mail.pop3.POP3Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 6856 {@code UTF8} after the login, when CAPA lists it. Courier's POP3 serves a message with raw UTF-8 headers
 * as a generated "Cannot display Unicode content" notice until the client sends UTF8, so its TOP headers matched no
 * IMAP message and INBOX failed (or, with pop3_migration_ignore_missing_uidls, lost its UIDL). Dovecot's pop3c sends
 * no UTF8. A server that lists UTF8 and refuses it is migrated from as before, said once per server.
 *
 * <p>Angus 2.0 has no call for a command it does not know: its own {@code Protocol.simpleCommand} is called by
 * reflection (on the pinned Angus version; if that ever fails, the same "said once, as before" applies).
 */
final class Pop3Utf8Mode {
  private static final Logger LOG = LoggerFactory.getLogger(Pop3Utf8Mode.class);
  /** Legacy servers ("host:port") already told about in the log: one WARN each, not one per user. */
  private static final Set<String> TOLD = ConcurrentHashMap.newKeySet();

  private Pop3Utf8Mode() {}

  /**
   * Sends UTF8 when the server lists it. @param server "host:port", for the once-per-server warning
   * @throws IOException the connection broke
   */
  static void enableIfOffered(POP3Store store, POP3Folder inbox, String server, String where)
      throws MessagingException, IOException {
    if (!store.capabilities().containsKey("UTF8")) {
      return;
    }
    String refusal;
    try {
      Object protocol = method(POP3Folder.class, "getProtocol").invoke(inbox);
      Object response = method(protocol.getClass(), "simpleCommand", String.class).invoke(protocol, "UTF8");
      if (field(response, "ok")) {
        LOG.debug("{}: UTF8 mode on", where);
        return;
      }
      refusal = "it answered -ERR " + field(response, "data", String.class);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof MessagingException m) {
        throw m;
      }
      refusal = "Angus failed on it: " + e.getCause();
    } catch (ReflectiveOperationException | RuntimeException e) {
      refusal = "this Angus version cannot send it: " + e;
    }
    if (TOLD.add(server)) {
      LOG.warn("{}: the legacy POP3 server lists UTF8 (RFC 6856), but UTF8 was not enabled ({}); going on without:"
          + " a message with raw UTF-8 headers may then match no IMAP message (said once for this server)", where,
          refusal);
    } else {
      LOG.debug("{}: UTF8 not enabled ({})", where, refusal);
    }
  }

  private static Method method(Class<?> type, String name, Class<?>... parameters) throws NoSuchMethodException {
    Method m = type.getDeclaredMethod(name, parameters);
    m.setAccessible(true);
    return m;
  }

  private static boolean field(Object response, String name) throws ReflectiveOperationException {
    return field(response, name, Boolean.class);
  }

  private static <T> T field(Object response, String name, Class<T> type) throws ReflectiveOperationException {
    Field f = response.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return type.cast(f.get(response));
  }
}
