package dovetail.migrator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.conf.ConfigLoader;
import dovetail.conf.Settings;
import java.util.List;
import org.junit.jupiter.api.Test;

class LegacyLoginsTest {
  private static Settings settings(String... lines) {
    return ConfigLoader.fromString("test.conf", String.join("\n", lines) + "\n", List.of());
  }

  @Test
  void theMasterUserServesEveryUser() throws Exception {
    LegacyLogins logins = new LegacyLogins(settings("imapc_host = legacy.example.com", "imapc_master_user = admin",
        "imapc_password = master-secret"));
    logins.remember("alice", "alice-pw");
    LegacyLogins.Endpoints e = logins.forUser("alice");
    assertEquals("admin", e.imap().masterUser());
    assertEquals("master-secret", e.imap().password());
    assertTrue(e.pop3().isEmpty());
  }

  @Test
  void withoutAMasterUserThePasswordSeenAtLoginServesThatUserOnly() throws Exception {
    LegacyLogins logins = new LegacyLogins(settings("imapc_host = legacy.example.com", "imapc_port = 1143",
        "pop3c_host = legacy.example.com", "pop3_migration_mailbox = INBOX"));
    logins.remember("alice", "alice-pw");
    LegacyLogins.Endpoints e = logins.forUser("alice");
    assertFalse(e.imap().hasMasterUser());
    assertEquals("alice-pw", e.imap().password());
    assertEquals(1143, e.imap().port(), "the other settings are kept");
    assertEquals("alice-pw", e.pop3().orElseThrow().password());
    assertFalse(e.imap().toString().contains("alice-pw"));
    MigrationUnavailableException none = assertThrows(MigrationUnavailableException.class, () -> logins.forUser("bob"));
    assertTrue(none.getMessage().contains("log in"), none.getMessage());
  }

  @Test
  void noLegacyServerIsUnavailableWithTheSettingNamed() {
    LegacyLogins logins = new LegacyLogins(settings("imapc_master_user = admin", "imapc_password = x"));
    MigrationUnavailableException e = assertThrows(MigrationUnavailableException.class, () -> logins.forUser("alice"));
    assertTrue(e.getMessage().contains("imapc_host"), e.getMessage());
  }
}
