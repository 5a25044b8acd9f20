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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed's imapc_* and dsync settings become one endpoint and one set of options. */
class LegacyEndpointsTest {
  @TempDir Path tmp;

  private Settings load(String text, String... overrides) throws IOException {
    Path conf = tmp.resolve("dovetail.conf");
    Files.writeString(conf, text);
    return ConfigLoader.load(conf, List.of(overrides));
  }

  @Test
  void theSeedsMigrationSettingsMapToTheEndpoint() throws IOException {
    Path ca = tmp.resolve("ca.pem");
    Files.writeString(ca, "");
    Settings s = load("""
        imapc_host = legacy.example.com
        imapc_port = 993
        imapc_ssl = imaps
        imapc_ssl_verify = no
        ssl_client_ca_file = %s
        imapc_user = %%n
        imapc_master_user = master
        imapc_password = secret
        imapc_features = rfc822.size fetch-headers
        imapc_list_prefix = INBOX
        imapc_cmd_timeout = 2 mins
        mail_prefetch_count = 20
        dsync_commit_msgs_interval = 50
        dsync_features = empty-header-workaround
        imapc_connection_retry_count = 4
        """.formatted(ca));
    LegacyImapEndpoint e = LegacyEndpoints.imap(s, "alice@example.com");
    assertEquals("legacy.example.com", e.host());
    assertEquals(993, e.port());
    assertEquals(SslMode.IMAPS, e.sslMode());
    assertFalse(e.sslVerify());
    assertEquals(ca, e.caFile());
    assertEquals("%n", e.userTemplate());
    assertEquals("master", e.masterUser());
    assertEquals(MasterLoginStyle.SASL, e.masterLoginStyle());
    assertEquals("secret", e.password());
    assertEquals(Set.of("rfc822.size", "fetch-headers"), e.features());
    assertEquals("INBOX", e.listPrefix());
    assertEquals(Duration.ofMinutes(2), e.commandTimeout());
    assertFalse(e.toString().contains("secret"));

    assertEquals(20, LegacyEndpoints.fetchLimits(s).batchMessages());
    MigrationOptions o = LegacyEndpoints.options(s);
    assertEquals(50, o.commitInterval());
    assertTrue(o.emptyHeaderWorkaround());
    assertEquals("INBOX", o.listPrefix());
    assertEquals(4, o.retry().unavailableRetries());
  }

  @Test
  void withoutAMasterUserThePasswordIsTheUsersOwn() throws IOException {
    Settings s = load("imapc_host = 127.0.0.1\n", "imapc_password=hers");
    LegacyImapEndpoint e = LegacyEndpoints.imap(s, "alice");
    assertFalse(e.hasMasterUser());
    assertEquals("hers", e.password());
    assertEquals(SslMode.NONE, e.sslMode());
    assertEquals(143, e.port());
  }

  @Test
  void missingHostOrPasswordIsNamed() throws IOException {
    IllegalArgumentException noHost = assertThrows(IllegalArgumentException.class,
        () -> LegacyEndpoints.imap(load(""), "alice"));
    assertTrue(noHost.getMessage().startsWith("imapc_host"), noHost.getMessage());
    IllegalArgumentException noPassword = assertThrows(IllegalArgumentException.class,
        () -> LegacyEndpoints.imap(load("imapc_host = h\nimapc_master_user = m\n"), "alice"));
    assertTrue(noPassword.getMessage().startsWith("imapc_password"), noPassword.getMessage());
  }

  @Test
  void aMissingPop3cPasswordSaysHowToGiveIt() throws IOException {
    Settings s = load("imapc_host = h\npop3c_host = h\nplugin {\n  pop3_migration_mailbox = INBOX\n}\n",
        "imapc_password=hers");
    IllegalArgumentException noPassword = assertThrows(IllegalArgumentException.class,
        () -> LegacyEndpoints.pop3(s, "alice"));
    assertEquals("pop3c_password is not set: give the user's password (for example -o pop3c_password=...)",
        noPassword.getMessage());
  }

  @Test
  void masterUserTemplatesAreExpandedForTheUser() throws IOException {
    Settings s = load("imapc_host = h\nimapc_master_user = admin@%d\nimapc_password = x\n");
    assertEquals("admin@example.org", LegacyEndpoints.imap(s, "bob@example.org").masterUser());
  }
}
