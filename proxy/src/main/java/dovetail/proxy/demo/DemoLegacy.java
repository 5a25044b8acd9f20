package dovetail.proxy.demo;

import com.icegreen.greenmail.imap.AuthorizationException;
import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.util.Properties;

/**
 * The demo's legacy server: GreenMail on loopback (free ports), holding {@link DemoCorpus}'s users and mail.
 * GreenMail keeps folder names in Unicode and lists them in modified UTF-7, as a real server does.
 */
public final class DemoLegacy implements AutoCloseable {
  public static final String HOST = "127.0.0.1";
  /** GreenMail's hierarchy separator, like Courier's and Cyrus's. */
  static final char SEPARATOR = '.';

  private final GreenMail greenMail;

  private DemoLegacy(GreenMail greenMail) {
    this.greenMail = greenMail;
  }

  /** Starts GreenMail (IMAP and POP3) and fills it. */
  public static DemoLegacy start(DemoCorpus corpus) {
    GreenMail greenMail = new GreenMail(new ServerSetup[] {
        new ServerSetup(0, HOST, ServerSetup.PROTOCOL_IMAP).dynamicPort(),
        new ServerSetup(0, HOST, ServerSetup.PROTOCOL_POP3).dynamicPort()});
    greenMail.start();
    DemoLegacy legacy = new DemoLegacy(greenMail);
    try {
      legacy.fill(corpus);
    } catch (FolderException | AuthorizationException | MessagingException | RuntimeException e) {
      legacy.close();
      throw new IllegalStateException("the demo's legacy server could not be filled: " + e.getMessage(), e);
    }
    return legacy;
  }

  private void fill(DemoCorpus corpus) throws FolderException, AuthorizationException, MessagingException {
    ImapHostManager folders = greenMail.getManagers().getImapHostManager();
    Session mailSession = Session.getInstance(new Properties());
    for (String name : corpus.users()) {
      GreenMailUser user = greenMail.setUser(name + "@" + DemoCorpus.DOMAIN, name, corpus.password());
      for (DemoCorpus.Folder folder : corpus.folders(name)) {
        MailFolder target = folder.name().equals("INBOX") ? folders.getInbox(user)
            : folders.createMailbox(user, legacyName(folder.name()));
        for (DemoCorpus.Message m : folder.messages()) {
          target.appendMessage(new MimeMessage(mailSession, new ByteArrayInputStream(m.bytes())), m.flags(), m.date());
        }
        if (folder.subscribed()) {
          folders.subscribe(user, legacyName(folder.name()));
        }
      }
    }
  }

  /** "Projekte/Übersicht" as GreenMail names it: "Projekte.Übersicht" (it encodes names in modified UTF-7 itself). */
  private static String legacyName(String folder) {
    return folder.replace('/', SEPARATOR);
  }

  public int imapPort() {
    return greenMail.getImap().getPort();
  }

  public int pop3Port() {
    return greenMail.getPop3().getPort();
  }

  @Override
  public void close() {
    greenMail.stop();
  }
}
