package dovetail.proxy.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.cli.CliRun;
import dovetail.proxy.lmtp.LmtpClient;
import dovetail.proxy.server.LegacyMailboxes;
import dovetail.proxy.server.TestDovetail;
import dovetail.store.dovecot.DovecotServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walk-through 11, W4: the legacy master user's password changes while {@code serve} runs, after master logins have
 * worked. A refused login of a user not migrated yet is then the master password's fault, for every user alike:
 * {@code migrate} names the settings and exits 1 (not "check the name", exit 67), and LMTP answers 451 for a recipient
 * it cannot check (not 550, which would bounce a real user's mail). Real Dovecot 2.3 answers a wrong master password
 * with {@code [AUTHENTICATIONFAILED]}, and a user it does not have with {@code [AUTHORIZATIONFAILED]}.
 */
class MasterPasswordChangedDovecotIT {
  private static final String MASTER_PASSWORD = "master-secret";

  /** stdout and stderr in one text: what the operator reads. */
  private static CliRun migrate(TestDovetail dovetail, String user) {
    return CliRun.merged("migrate", "-c", dovetail.configFile().toString(), "-u", user, "--wait");
  }

  private static String rcpt(LmtpClient c, String user) throws Exception {
    c.command("RSET");
    c.command("MAIL FROM:<s@example.org>");
    return c.command("RCPT TO:<" + user + "@example.org>");
  }

  private static void assertReply(String expected, String reply, String user) {
    assertTrue(reply.startsWith(expected), user + ": " + reply);
  }

  @TempDir static Path dir;
  private static DovecotServer legacy;

  @BeforeAll
  static void start() throws Exception {
    DovecotServer.assumeInstalled();
    Path legacyDir = dir.resolve("legacy");
    LegacyMailboxes.write(DovecotServer.maildir(legacyDir, "carol"), LegacyMailboxes.counts("INBOX", 3), 7);
    LegacyMailboxes.write(DovecotServer.maildir(legacyDir, "dave"), LegacyMailboxes.counts("INBOX", 4), 8);
    LegacyMailboxes.write(DovecotServer.maildir(legacyDir, "erin"), LegacyMailboxes.counts("INBOX", 2), 9);
    legacy = DovecotServer.builder(legacyDir).user("carol", "carol-pw").user("dave", "dave-pw").user("erin", "erin-pw")
        .masterUser("master", MASTER_PASSWORD).autoCreateSpecialUse(false).start();
  }

  @AfterAll
  static void stop() {
    if (legacy != null) {
      legacy.close();
    }
  }

  @AfterEach
  void masterPasswordBack() {
    legacy.changeMasterPassword(MASTER_PASSWORD);
  }

  private static TestDovetail dovetail(String name) throws Exception {
    return TestDovetail.builder(dir.resolve(name)).legacyPassdb(legacy.imapPort(), "master", MASTER_PASSWORD)
        .setting("sweeper = no").setting("mail_fsync = never").start();
  }

  @Test
  void migrateNamesTheMasterSettingsWhenTheMasterPasswordChangedAfterMasterLoginsWorked() throws Exception {
    try (TestDovetail dovetail = dovetail("migrate")) {
      CliRun carol = migrate(dovetail, "carol");
      assertEquals(0, carol.exit(), carol.out()); // a master login worked in this process

      legacy.changeMasterPassword("changed-on-the-legacy-server");
      CliRun dave = migrate(dovetail, "dave");
      assertEquals(1, dave.exit(), "a rerun helps once the password is fixed: " + dave.out());
      assertTrue(dave.out().contains("check imapc_master_user and imapc_password"), dave.out());
      assertTrue(dave.out().contains("[AUTHENTICATIONFAILED]"), dave.out());
      assertFalse(dave.out().contains("check the name") || dave.out().contains("no such user"), dave.out());

      legacy.changeMasterPassword(MASTER_PASSWORD);
      CliRun again = migrate(dovetail, "dave");
      assertEquals(0, again.exit(), again.out());
      // With working master credentials a user the legacy server does not have is still "no such user".
      CliRun ghost = migrate(dovetail, "ghost");
      assertEquals(67, ghost.exit(), ghost.out());
      assertTrue(ghost.out().contains("check the name"), ghost.out());
    }
  }

  /** LMTP draws no "no such user" either: mail for a user it cannot check now waits (451), it is not bounced (550). */
  @Test
  void lmtpDefersRecipientsWhenTheMasterPasswordChangedAfterMasterLoginsWorked() throws Exception {
    try (TestDovetail dovetail = dovetail("lmtp");
        LmtpClient lmtp = new LmtpClient(dovetail.lmtpPort())) {
      lmtp.command("LHLO mta");
      assertReply("250 ", rcpt(lmtp, "carol"), "carol"); // a master login worked in this process

      legacy.changeMasterPassword("changed-on-the-legacy-server");
      assertReply("451 4.", rcpt(lmtp, "erin"), "erin, who has an account there");
      assertReply("451 4.", rcpt(lmtp, "ghost"), "ghost, who cannot be checked now");

      legacy.changeMasterPassword(MASTER_PASSWORD);
      assertReply("250 ", rcpt(lmtp, "erin"), "erin");
      assertReply("550 5.1.1", rcpt(lmtp, "ghost"), "ghost");
    }
  }
}
