package dovetail.migrator.copy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dovetail.store.dovecot.ImapProbe;
import java.util.List;

/** The backup contract against GreenMail 2.1, embedded on 127.0.0.1: '.' separator, own password. */
class GreenMailBackupIT extends BackupContract {
  @Override
  protected boolean reportsTrueSizes() {
    return false; // GreenMail's RFC822.SIZE is the body's size
  }

  @Override
  protected Legacy startLegacy() {
    GreenMail greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
    greenMail.start();
    greenMail.setUser("alice@example.com", "alice", "secret");
    return new Legacy() {
      @Override
      public int port() {
        return greenMail.getImap().getPort();
      }

      @Override
      public char separator() {
        return '.';
      }

      @Override
      public ImapProbe probe() {
        return ImapProbe.login(port(), "alice", "secret");
      }

      @Override
      public List<String> loginSettings() {
        return List.of("imapc_password = secret");
      }

      @Override
      public void close() {
        greenMail.stop();
      }
    };
  }
}
