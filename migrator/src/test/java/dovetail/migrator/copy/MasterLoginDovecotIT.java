package dovetail.migrator.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.conf.ConfigLoader;
import dovetail.conf.Settings;
import dovetail.migrator.source.FetchLimits;
import dovetail.migrator.source.LegacyException;
import dovetail.migrator.source.LegacyFolder;
import dovetail.migrator.source.LegacyImapSession;
import dovetail.migrator.source.LegacyImapSource;
import dovetail.store.dovecot.DovecotServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code imapc_master_login} against real Dovecot 2.3 with a master user: {@code sasl} (AUTHENTICATE PLAIN with an
 * authorization id) and {@code separator} ({@code LOGIN alice*master}) both open alice's mailbox, and each style
 * really is the one sent: a Dovecot that does not split {@code user*master} refuses only the separator style.
 */
class MasterLoginDovecotIT {
  @TempDir Path tmp;

  private Settings settings(DovecotServer legacy, String style) {
    Path conf = DovecotLegacy.conf(tmp.resolve("dovetail-" + style + ".conf"), legacy.imapPort(),
        "maildir:" + tmp.resolve("store") + "/%n/Maildir", "imapc_master_login = " + style);
    return ConfigLoader.load(conf, List.of());
  }

  private List<String> folders(Settings settings) {
    LegacyImapSource source = LegacyImapSource.create(LegacyEndpoints.imap(settings, DovecotLegacy.USER),
        FetchLimits.defaults());
    try (LegacyImapSession session = source.open(DovecotLegacy.USER)) {
      return session.listFolders().stream().map(LegacyFolder::legacyName).toList();
    }
  }

  @Test
  void bothStylesOpenTheUsersMailboxThroughTheMasterUser() {
    try (DovecotServer legacy = DovecotLegacy.start(tmp.resolve("dovecot"), root -> { }, "mailbox_list_index = no")) {
      legacy.doveadm("mailbox", "create", "-u", DovecotLegacy.USER, "Only-Alice-Has-This");
      for (String style : List.of("sasl", "separator")) {
        List<String> folders = folders(settings(legacy, style));
        assertTrue(folders.contains("Only-Alice-Has-This"), style + ": " + folders);
      }
      String log = legacy.log();
      assertTrue(log.contains("master"), "Dovecot saw the master user log in");
      assertFalse(log.contains(DovecotLegacy.MASTER_PASSWORD), "no password in Dovecot's log either");
    }
  }

  @Test
  void eachStyleIsWhatTheLegacyServerReceives() {
    // The same Dovecot, but without auth_master_user_separator: "alice*master" is then just an unknown user.
    try (DovecotServer legacy = DovecotLegacy.start(tmp.resolve("dovecot"), root -> { },
        "auth_master_user_separator =")) {
      assertTrue(folders(settings(legacy, "sasl")).contains("INBOX"));
      LegacyException refused = assertThrows(LegacyException.class, () -> folders(settings(legacy, "separator")));
      assertEquals(LegacyException.Kind.AUTH_FAILED, refused.kind(), refused.getMessage());
      assertTrue(refused.getMessage().contains("via master user master"), refused.getMessage());
    }
  }
}
