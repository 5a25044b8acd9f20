package dovetail.migrator.source;

import dovetail.migrator.source.LegacyException.Kind;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.FetchProfile;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.UIDFolder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.eclipse.angus.mail.pop3.POP3Folder;
import org.eclipse.angus.mail.pop3.POP3Message;
import org.eclipse.angus.mail.pop3.POP3Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LegacyPop3Session} on Angus's POP3 store: the INBOX opened read-only, nothing ever deleted. What Angus
 * throws unchecked at a broken server's answer becomes a {@link LegacyException} with the reason, never a bare
 * runtime exception that the user's login would fail on without one.
 */
final class Pop3Connection implements LegacyPop3Session {
  private static final Logger LOG = LoggerFactory.getLogger(Pop3Connection.class);

  private final POP3Store store;
  private final POP3Folder inbox;
  /** "POP3 host:port for user", for messages. */
  private final String where;

  private Pop3Connection(POP3Store store, POP3Folder inbox, String where) {
    this.store = store;
    this.inbox = inbox;
    this.where = where;
  }

  static Pop3Connection open(LegacyPop3Endpoint endpoint, String user) {
    boolean ssl = endpoint.sslMode() == LegacyPop3Endpoint.SslMode.POP3S;
    String protocol = ssl ? "pop3s" : "pop3";
    Properties props = new Properties();
    String p = "mail." + protocol + ".";
    props.put(p + "connectiontimeout", Long.toString(endpoint.connectTimeout().toMillis()));
    props.put(p + "timeout", Long.toString(endpoint.commandTimeout().toMillis()));
    props.put(p + "socketFactory.fallback", "false");
    if (endpoint.sslMode() != LegacyPop3Endpoint.SslMode.NONE) {
      props.put(p + "ssl.socketFactory", TlsTrust.socketFactory(endpoint.sslVerify(), endpoint.caFile(), endpoint.caDir()));
      props.put(p + "ssl.checkserveridentity", Boolean.toString(endpoint.sslVerify()));
    }
    if (endpoint.sslMode() == LegacyPop3Endpoint.SslMode.STARTTLS) {
      props.put(p + "starttls.enable", "true");
      props.put(p + "starttls.required", "true");
    }
    String login = LoginName.expand(endpoint.userTemplate(), user);
    String authenticateAs;
    String password;
    if (endpoint.masterUser().isEmpty()) {
      // Dovecot's pop3c: USER and PASS, with the UTF-8 bytes of the strings.
      props.put(p + "auth.mechanisms", "LOGIN");
      authenticateAs = asUtf8Bytes(login);
      password = asUtf8Bytes(endpoint.password());
    } else {
      // Dovecot's pop3c: AUTH PLAIN, authorization id = the user, authentication id = the master user.
      props.put(p + "auth.mechanisms", "PLAIN");
      props.put(p + "sasl.authorizationid", login);
      authenticateAs = endpoint.masterUser();
      password = endpoint.password();
    }
    String where = "POP3 " + endpoint.host() + ":" + endpoint.port() + " for " + user;
    POP3Store store = null;
    try {
      store = (POP3Store) Session.getInstance(props).getStore(protocol);
      store.connect(endpoint.host(), endpoint.port(), authenticateAs, password);
      POP3Folder inbox = (POP3Folder) store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      Pop3Utf8Mode.enableIfOffered(store, inbox, endpoint.host() + ":" + endpoint.port(), where);
      return new Pop3Connection(store, inbox, where);
    } catch (AuthenticationFailedException e) {
      closeQuietly(store);
      if (e.getMessage() != null && e.getMessage().startsWith("EOF")) {
        // Angus's word for a connection closed before its greeting, CAPA or login answer: couriertcpd over MAXPERIP.
        throw new LegacyException(Kind.UNAVAILABLE, where + ": the server closed the connection before its greeting or"
            + " at the login: " + ImapFailures.PER_ADDRESS_LIMIT + " (" + e.getMessage() + ")", e);
      }
      throw new LegacyException(Kind.AUTH_FAILED, where + ": login refused: " + e.getMessage());
    } catch (MessagingException e) {
      closeQuietly(store);
      throw new LegacyException(Kind.UNAVAILABLE, where + ": " + e.getMessage(), e);
    } catch (IOException e) {
      closeQuietly(store);
      throw new LegacyException(Kind.UNAVAILABLE, where + ": UTF8: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(store);
      throw new LegacyException(Kind.PROTOCOL, where + ": login: the server's answer cannot be read ("
          + e.getClass().getSimpleName() + ": " + e.getMessage() + "); a broken legacy POP3 server", e);
    }
  }

  /**
   * {@code text} as Angus must get it for USER and PASS: it writes them as ISO-8859-1, so a non-ASCII password (one
   * char per UTF-8 byte here) reaches the server as its UTF-8 bytes, as Dovecot's pop3c sends it, not as ISO-8859-1
   * (which no UTF-8 passdb matches, and which has no 'ł' or '€' at all). AUTH PLAIN encodes UTF-8 itself.
   */
  static String asUtf8Bytes(String text) {
    return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  /**
   * UIDL and LIST. A message that the server leaves out of its UIDL list (and has no UIDL for when asked alone) is
   * left out here, with a warning: its IMAP twin then keeps no legacy UIDL, as an IMAP message without a POP3 twin.
   */
  @Override
  public List<LegacyPop3Message> list() {
    try {
      // Not Folder.getMessages(): it sends NOOP first, and a server that refuses NOOP would close the folder.
      Message[] messages = new Message[inbox.getMessageCount()];
      for (int i = 0; i < messages.length; i++) {
        messages[i] = inbox.getMessage(i + 1);
      }
      FetchProfile profile = new FetchProfile();
      profile.add(UIDFolder.FetchProfileItem.UID); // UIDL
      profile.add(FetchProfile.Item.SIZE); // LIST
      inbox.fetch(messages, profile);
      List<LegacyPop3Message> out = new ArrayList<>(messages.length);
      List<Integer> withoutUidl = new ArrayList<>();
      for (Message m : messages) {
        String uidl = uidl(m.getMessageNumber(), m);
        if (uidl == null) {
          withoutUidl.add(m.getMessageNumber());
        } else {
          out.add(new LegacyPop3Message(m.getMessageNumber(), uidl, m.getSize()));
        }
      }
      if (!withoutUidl.isEmpty()) {
        LOG.warn("{}: {} of {} messages have no UIDL (a broken server; messages {}): their IMAP twins keep no legacy"
            + " UIDL", where, withoutUidl.size(), messages.length, withoutUidl);
      }
      return out;
    } catch (MessagingException e) {
      throw new LegacyException(Kind.UNAVAILABLE, where + ": UIDL/LIST failed: " + e.getMessage(), e);
    } catch (LegacyException e) {
      throw e;
    } catch (RuntimeException e) {
      throw unreadable("UIDL/LIST", e);
    }
  }

  /** Angus asks {@code UIDL n} alone for a message missing from the UIDL list: null when the server says -ERR. */
  private String uidl(int seq, Message m) throws MessagingException {
    try {
      return inbox.getUID(m);
    } catch (RuntimeException e) {
      throw unreadable("message " + seq + " is missing from the UIDL list, and UIDL " + seq, e);
    }
  }

  /** Angus failed on an answer it cannot read (a NullPointerException on "+OK" without a UIDL, ...). */
  private LegacyException unreadable(String command, RuntimeException e) {
    return new LegacyException(Kind.PROTOCOL, where + ": " + command + ": the server's answer cannot be read ("
        + e.getClass().getSimpleName() + ": " + e.getMessage() + "); a broken legacy POP3 server", e);
  }

  @Override
  public Map<Integer, byte[]> headers(List<Integer> seqs) {
    Map<Integer, byte[]> out = new LinkedHashMap<>();
    for (int seq : seqs) {
      try (InputStream top = ((POP3Message) inbox.getMessage(seq)).top(0)) {
        out.put(seq, top.readAllBytes());
      } catch (MessagingException | IOException e) {
        throw new LegacyException(Kind.UNAVAILABLE, where + ": TOP " + seq + " 0 failed: " + e.getMessage(), e);
      } catch (RuntimeException e) {
        throw unreadable("TOP " + seq + " 0", e);
      }
    }
    return out;
  }

  @Override
  public void close() {
    try {
      inbox.close(false); // QUIT without expunging: nothing was marked deleted anyway
    } catch (MessagingException | RuntimeException e) {
      // closing is best effort
    }
    closeQuietly(store);
  }

  private static void closeQuietly(POP3Store store) {
    try {
      if (store != null) {
        store.close();
      }
    } catch (MessagingException | RuntimeException e) {
      // best effort
    }
  }
}
