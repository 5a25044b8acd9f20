package dovetail.store.dovecot;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.eclipse.angus.mail.pop3.POP3Folder;
import org.eclipse.angus.mail.pop3.POP3Message;

/**
 * A POP3 test client (Jakarta Mail / Angus) that returns plain data: the maildrop in POP3 order with UIDL and
 * LIST size, optionally the RETR bytes. It never sends DELE. With Dovecot's {@code pop3_no_flag_updates = no},
 * RETR marks messages \Seen; {@link DovecotServer}'s default avoids that.
 */
public final class Pop3Probe {
  /**
   * One maildrop entry.
   *
   * @param number the POP3 message number (1-based): the order that POP3 clients see
   * @param uidl the UIDL reply
   * @param size the LIST reply (Dovecot: the virtual size, {@code ,W=})
   * @param sha256 of the RETR bytes (CRLF line ends, dot-unstuffed), or null when not retrieved
   */
  public record Pop3Message(int number, String uidl, long size, String sha256) {}

  private Pop3Probe() {}

  /** UIDL and LIST of the user's maildrop, in POP3 order. */
  public static List<Pop3Message> list(DovecotServer server, String user) {
    return read(server.pop3Port(), user, server.password(user), false);
  }

  /** As {@link #list}, plus RETR of every message. */
  public static List<Pop3Message> retrieveAll(DovecotServer server, String user) {
    return read(server.pop3Port(), user, server.password(user), true);
  }

  /** UIDL and LIST (and RETR when {@code retrieve}) with any login name, e.g. {@code user*master}. */
  public static List<Pop3Message> read(int port, String login, String password, boolean retrieve) {
    Properties p = new Properties();
    p.setProperty("mail.pop3.host", "127.0.0.1");
    p.setProperty("mail.pop3.port", Integer.toString(port));
    p.setProperty("mail.pop3.connectiontimeout", "10000");
    p.setProperty("mail.pop3.timeout", "60000");
    try {
      Store store = Session.getInstance(p).getStore("pop3");
      store.connect("127.0.0.1", port, login, password);
      try {
        POP3Folder inbox = (POP3Folder) store.getFolder("INBOX");
        inbox.open(Folder.READ_ONLY);
        try {
          int[] sizes = inbox.getSizes();
          List<Pop3Message> out = new ArrayList<>();
          Message[] messages = inbox.getMessages();
          for (Message m : messages) {
            int n = m.getMessageNumber();
            String sha = null;
            if (retrieve) {
              try (InputStream in = ((POP3Message) m).getMimeStream()) {
                sha = MailBytes.sha256(in.readAllBytes());
              }
            }
            out.add(new Pop3Message(n, inbox.getUID(m), sizes[n - 1], sha));
          }
          return out;
        } finally {
          inbox.close(false);
        }
      } finally {
        store.close();
      }
    } catch (MessagingException | IOException e) {
      throw new IllegalStateException("POP3 as " + login + " on port " + port + " failed: " + e, e);
    }
  }

  /** Just the UIDLs, in POP3 order. */
  public static List<String> uidls(DovecotServer server, String user) {
    return list(server, user).stream().map(Pop3Message::uidl).toList();
  }
}
