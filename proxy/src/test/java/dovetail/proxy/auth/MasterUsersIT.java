package dovetail.proxy.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.migrator.source.LegacyException.Kind;
import dovetail.migrator.source.LegacyImapEndpoint.MasterLoginStyle;
import dovetail.proxy.server.TestDovetail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Master users of Dovetail's front-end ({@code master_passdb}), over real sockets: {@code LOGIN alice*admin} and
 * AUTHENTICATE PLAIN with authorization id alice both open alice's mailbox with admin's password; nothing else
 * lets anyone into another user's mailbox.
 */
class MasterUsersIT {
  private static final String ADMIN_PASSWORD = "Admin-Pass-31";

  @TempDir static Path dir;
  private static TestDovetail dovetail;
  private static LogCapture logs;

  @BeforeAll
  static void start() throws Exception {
    logs = new LogCapture();
    dovetail = TestDovetail.builder(dir)
        .user("alice", "{PLAIN}alice-pw")
        .user("bob", "{PLAIN}bob-pw")
        .masterUser("admin", "{SHA512-CRYPT}" + org.apache.commons.codec.digest.Crypt.crypt(ADMIN_PASSWORD, "$6$saltsaltsalt"))
        .start();
    dovetail.store("alice").create("Alice-Only");
    dovetail.store("bob").create("Bob-Only");
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
    List<String> lines = logs.lines();
    logs.close();
    assertFalse(lines.stream().anyMatch(l -> l.contains(ADMIN_PASSWORD) || l.contains("alice-pw")
        || l.contains("bob-pw")), "no password in the logs: " + lines);
  }

  private static List<String> asMaster(String user, String master, String password, MasterLoginStyle style) {
    return FrontEndClient.foldersAsMaster(dovetail.imapPort(), user, master, password, style);
  }

  private static Kind refusalAsMaster(String user, String master, String password, MasterLoginStyle style) {
    return FrontEndClient.refusal(() -> asMaster(user, master, password, style));
  }

  @Test
  void theMasterUserOpensAlicesMailboxWithTheSeparator() {
    List<String> folders = asMaster("alice", "admin", ADMIN_PASSWORD, MasterLoginStyle.SEPARATOR);
    assertTrue(folders.contains("Alice-Only") && !folders.contains("Bob-Only"), folders.toString());
  }

  @Test
  void theMasterUserOpensBobsMailboxWithSaslAndAnAuthorizationId() {
    List<String> folders = asMaster("bob", "admin", ADMIN_PASSWORD, MasterLoginStyle.SASL);
    assertTrue(folders.contains("Bob-Only") && !folders.contains("Alice-Only"), folders.toString());
  }

  @Test
  void aWrongMasterPasswordIsRefusedBothWays() {
    for (MasterLoginStyle style : MasterLoginStyle.values()) {
      assertEquals(Kind.AUTH_FAILED, refusalAsMaster("alice", "admin", "Admin-Guess", style), style.toString());
    }
    assertTrue(logs.contains("authentication failed for user admin (master user, for alice): wrong password"),
        logs.lines().toString());
  }

  @Test
  void aNormalUserCanNeverLogInAsAnother() {
    for (MasterLoginStyle style : MasterLoginStyle.values()) {
      assertEquals(Kind.AUTH_FAILED, refusalAsMaster("alice", "bob", "bob-pw", style), style.toString());
    }
    assertTrue(logs.contains("authentication failed for user bob: not a master user, may not log in as alice"),
        logs.lines().toString());
  }

  @Test
  void aMasterPasswordIsNoLoginOnItsOwn() {
    assertEquals(Kind.AUTH_FAILED, FrontEndClient.refusal(
        () -> FrontEndClient.folders(dovetail.imapPort(), "admin", ADMIN_PASSWORD)));
    assertFalse(Files.exists(dovetail.mailRoot().resolve("admin")), "no store for the master user");
  }

  @Test
  void aMasterUserCannotOpenAUserThatDoesNotExist() {
    for (MasterLoginStyle style : MasterLoginStyle.values()) {
      assertEquals(Kind.AUTH_FAILED, refusalAsMaster("nobody", "admin", ADMIN_PASSWORD, style), style.toString());
    }
    assertTrue(logs.contains("authentication failed for user admin (master user, for nobody): no such user"));
    assertFalse(Files.exists(dovetail.mailRoot().resolve("nobody")), "no store is made for an unknown user");
  }

  @Test
  void usersStillLogInWithTheirOwnPasswords() {
    assertTrue(FrontEndClient.folders(dovetail.imapPort(), "alice", "alice-pw").contains("Alice-Only"));
    assertEquals(Kind.AUTH_FAILED, FrontEndClient.refusal(
        () -> FrontEndClient.folders(dovetail.imapPort(), "alice", ADMIN_PASSWORD)), "the master password is not hers");
  }
}
