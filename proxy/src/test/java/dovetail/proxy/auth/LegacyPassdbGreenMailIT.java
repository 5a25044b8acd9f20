package dovetail.proxy.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dovetail.migrator.source.LegacyException.Kind;
import dovetail.proxy.server.TestDovetail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code passdb = legacy} with GreenMail as the legacy server, over real sockets: an IMAP client logs in to Dovetail,
 * Dovetail logs in to GreenMail with the same password.
 */
class LegacyPassdbGreenMailIT {
  private static final String PASSWORD = "Legacy-Secret-17";

  @TempDir Path dir;
  private GreenMail legacy;
  private GreenMailUser alice;
  private TestDovetail dovetail;
  private LogCapture logs;

  @BeforeEach
  void start() throws Exception {
    logs = new LogCapture();
    legacy = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
    legacy.start();
    alice = legacy.setUser("alice@example.com", "alice", PASSWORD);
    dovetail = dovetail(legacy.getImap().getPort(), "");
  }

  @AfterEach
  void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
    legacy.stop();
    List<String> lines = logs.lines();
    logs.close();
    assertFalse(lines.stream().anyMatch(l -> l.contains(PASSWORD) || l.contains("New-Secret-99")
        || l.contains("Wrong-Guess-42")), "no password in the logs: " + lines);
  }

  private TestDovetail dovetail(int legacyPort, String extra) throws Exception {
    TestDovetail.Builder b = TestDovetail.builder(dir).legacyPassdb(legacyPort);
    if (!extra.isEmpty()) {
      b.setting(extra);
    }
    return b.start();
  }

  /** Stops this Dovetail and starts a fresh one on the same store: what survives is on disk, not in memory. */
  private void restartDovetail(int legacyPort, String extra) throws Exception {
    dovetail.close();
    dovetail = null;
    dovetail = dovetail(legacyPort, extra);
  }

  private Path hashFile() {
    return dovetail.mailRoot().resolve("alice/Maildir").resolve(StoredPasswordHash.FILE);
  }

  private Kind login(String password) {
    return FrontEndClient.refusal(() -> FrontEndClient.folders(dovetail.imapPort(), "alice", password));
  }

  @Test
  void aPasswordTheLegacyServerAcceptsOpensTheStoreAndLeavesOnlyASaltedHash() throws Exception {
    assertEquals(List.of("INBOX"), FrontEndClient.folders(dovetail.imapPort(), "alice", PASSWORD));
    assertTrue(logs.contains("user alice logged in (checked by the legacy server)"), logs.lines().toString());
    String stored = Files.readString(hashFile());
    assertTrue(stored.startsWith("{SHA512-CRYPT}$6$"), stored);
    assertFalse(stored.contains(PASSWORD));
    assertEquals(PasswordSchemes.Result.MATCH, PasswordSchemes.verify(stored.strip(), PASSWORD));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(hashFile())));
    try (var files = Files.list(hashFile().getParent())) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().contains(".tmp.")), "no temp file left");
    }
  }

  @Test
  void aWrongPasswordOrUnknownUserIsRefusedAfterTheDelay() {
    long start = System.nanoTime();
    assertEquals(Kind.AUTH_FAILED, login("Wrong-Guess-42"));
    assertTrue((System.nanoTime() - start) / 1_000_000 >= TestDovetail.FAILURE_DELAY.toMillis());
    assertEquals(Kind.AUTH_FAILED, FrontEndClient.refusal(
        () -> FrontEndClient.folders(dovetail.imapPort(), "mallory", PASSWORD)));
    assertTrue(logs.contains("authentication failed for user alice: the legacy server refused the password"),
        logs.lines().toString());
    assertFalse(Files.exists(hashFile()), "no hash for a refused password");
    assertFalse(Files.exists(dovetail.mailRoot().resolve("mallory")), "no store for an unknown user");
  }

  @Test
  void aRecentSuccessIsRememberedInMemory() throws Exception {
    assertNull(login(PASSWORD));
    legacy.stop();
    assertNull(login(PASSWORD));
    assertTrue(logs.contains("user alice logged in (accepted by the legacy server recently)"), logs.lines().toString());
    // Only the same password is remembered; another one, with the legacy server down and the stored hash not
    // matching, is a temporary failure (NO [UNAVAILABLE], read here as THROTTLED), not a refusal.
    assertEquals(Kind.THROTTLED, login("Wrong-Guess-42"), "only the same password is remembered");
  }

  @Test
  void whileTheLegacyServerIsDownTheStoredHashDecides() throws Exception {
    assertNull(login(PASSWORD));
    int port = legacy.getImap().getPort();
    legacy.stop();
    restartDovetail(port, "");
    assertNull(login(PASSWORD), "the stored hash lets alice in");
    assertTrue(logs.contains("legacy server unreachable for user alice (UNAVAILABLE"), logs.lines().toString());
    assertTrue(logs.contains("user alice logged in with the stored hash (legacy server unreachable)"));
    // Neither is refused as a wrong password: NO [UNAVAILABLE], a temporary failure (LegacyServerDownIT), which the
    // IMAP client here reads as THROTTLED ("later, not never").
    assertEquals(Kind.THROTTLED, login("Wrong-Guess-42"), "the hash may predate a password change");
    assertEquals(Kind.THROTTLED, FrontEndClient.refusal(
        () -> FrontEndClient.folders(dovetail.imapPort(), "bob", PASSWORD)), "no hash, no login");
  }

  @Test
  void aTlsFailureToTheLegacyServerAlsoFallsBackToTheStoredHash() throws Exception {
    assertNull(login(PASSWORD));
    // imaps against a plain-text port: the handshake fails, the legacy server never sees the password.
    restartDovetail(legacy.getImap().getPort(), "imapc_ssl = imaps");
    assertNull(login(PASSWORD));
    assertTrue(logs.contains("legacy server unreachable for user alice (TLS_FAILED"), logs.lines().toString());
  }

  @Test
  void aPasswordChangedOnTheLegacyServerRefusesTheOldOneWhateverTheStoredHashSays() throws Exception {
    assertNull(login(PASSWORD));
    String oldHash = Files.readString(hashFile());
    alice.setPassword("New-Secret-99");
    restartDovetail(legacy.getImap().getPort(), "");
    assertEquals(PasswordSchemes.Result.MATCH, PasswordSchemes.verify(oldHash.strip(), PASSWORD), "precondition");
    assertEquals(Kind.AUTH_FAILED, login(PASSWORD), "the legacy server's NO wins over the old hash");
    assertNull(login("New-Secret-99"));
    String newHash = Files.readString(hashFile()).strip();
    assertEquals(PasswordSchemes.Result.MATCH, PasswordSchemes.verify(newHash, "New-Secret-99"));
    assertEquals(PasswordSchemes.Result.MISMATCH, PasswordSchemes.verify(newHash, PASSWORD));
  }
}
