package dovetail.migrator.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.conf.ConfigLoader;
import dovetail.conf.Settings;
import dovetail.migrator.source.LegacyImapEndpoint;
import dovetail.migrator.source.LegacyImapEndpoint.MasterLoginStyle;
import dovetail.migrator.source.LegacyImapEndpoint.SslMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** imapc_master_login picks the master user's login style; passdb = legacy logs in as the user, never the master. */
class LegacyUserLoginEndpointTest {
  private static Settings load(String... overrides) {
    return ConfigLoader.load(List.of(overrides));
  }

  @Test
  void theMasterLoginStyleFollowsImapcMasterLogin() {
    String[] base = {"imapc_host=h", "imapc_master_user=master", "imapc_password=x"};
    assertEquals(MasterLoginStyle.SASL, LegacyEndpoints.imap(load(base), "alice").masterLoginStyle());
    String[] separator = {"imapc_host=h", "imapc_master_user=master", "imapc_password=x",
        "imapc_master_login=separator"};
    assertEquals(MasterLoginStyle.SEPARATOR, LegacyEndpoints.imap(load(separator), "alice").masterLoginStyle());
  }

  @Test
  void aUserLoginIsTheUsersOwnEvenWithAMasterUserConfigured() {
    Settings s = load("imapc_host=legacy.example.com", "imapc_ssl=imaps", "imapc_user=%n", "imapc_master_user=master",
        "imapc_password=master-secret", "imapc_master_login=separator");
    LegacyImapEndpoint e = LegacyEndpoints.userLogin(s, "alices-own");
    assertFalse(e.hasMasterUser());
    assertEquals("alices-own", e.password());
    assertEquals("%n", e.userTemplate());
    assertEquals(SslMode.IMAPS, e.sslMode());
    assertEquals(993, e.port());
    assertTrue(e.commandTimeout().compareTo(LegacyEndpoints.LOGIN_TIMEOUT) <= 0, e.commandTimeout()::toString);
    assertFalse(e.toString().contains("alices-own"));
  }

  @Test
  void aUserLoginNeedsTheLegacyHost() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LegacyEndpoints.userLogin(load(), "pw"));
    assertTrue(e.getMessage().startsWith("imapc_host"), e.getMessage());
  }
}
