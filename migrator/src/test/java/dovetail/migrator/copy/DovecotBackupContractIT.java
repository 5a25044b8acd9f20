package dovetail.migrator.copy;

import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import java.util.List;

/** The backup contract against real Dovecot 2.3, logged in through the master user. */
class DovecotBackupContractIT extends BackupContract {
  @Override
  protected Legacy startLegacy() {
    DovecotServer dovecot = DovecotLegacy.start(tmp.resolve("legacy"), root -> { }, "");
    return new Legacy() {
      @Override
      public int port() {
        return dovecot.imapPort();
      }

      @Override
      public char separator() {
        return '/';
      }

      @Override
      public ImapProbe probe() {
        return ImapProbe.login(dovecot, DovecotLegacy.USER);
      }

      @Override
      public List<String> loginSettings() {
        return List.of("imapc_master_user = " + DovecotLegacy.MASTER, "imapc_password = " + DovecotLegacy.MASTER_PASSWORD);
      }

      @Override
      public void close() {
        dovecot.close();
      }
    };
  }
}
