package dovetail.proxy.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.james.core.Username;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.exception.BadCredentialsException;
import org.apache.james.mailbox.store.SessionProviderImpl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SHA-crypt hashes the whole password once per password byte, so a megabyte "password" costs minutes of CPU before
 * any login. Every password login goes through one session provider ({@link MasterLoginSessions}); a password over
 * {@link PasswordLength#MAX_BYTES} is refused there, like a wrong one, before any passdb sees it. The passdbs here
 * are real passwd-files with SHA512-CRYPT hashes (Dovecot's {@code doveadm pw} output).
 */
class PasswordLengthTest {
  @TempDir Path dir;
  private SessionProvider sessions;

  @BeforeEach
  void setUp() throws Exception {
    Path users = dir.resolve("passwd");
    Path masters = dir.resolve("masters");
    String longest = "x".repeat(PasswordLength.MAX_BYTES);
    Files.writeString(users, "alice:" + PasswordSchemesTest.SHA512 + "::::::\n"
        + "long:{PLAIN}" + longest + "::::::\n");
    Files.writeString(masters, "admin:" + PasswordSchemesTest.SHA512 + "::::::\n");
    FailedLogins failed = new FailedLogins(Duration.ZERO);
    MasterPasswords masterPasswords = MasterPasswords.of(Optional.of(masters), failed);
    SuccessfulLogins succeeded = new SuccessfulLogins(LoginListener.NONE);
    PasswdFileAuthenticator passdb = new PasswdFileAuthenticator(new PasswdFile(users), failed, succeeded);
    sessions = new MasterLoginSessions(new SessionProviderImpl(passdb,
        new MasterUserAuthorizator(masterPasswords, name -> true)), passdb, masterPasswords, new MasterLoginName("*"),
        failed, succeeded, new UserIpSessions(10));
  }

  @Test
  void aPasswordOf64KibIsRefusedBeforeAnyPassdbHashesIt() {
    String huge = "p".repeat(64 * 1024);
    try (LogCapture logs = new LogCapture()) {
      assertThrows(BadCredentialsException.class,
          () -> sessions.authenticate(Username.of("alice"), huge).withoutDelegation());
      assertThrows(BadCredentialsException.class,
          () -> sessions.authenticate(Username.of("alice*admin"), huge).withoutDelegation());
      assertThrows(BadCredentialsException.class,
          () -> sessions.authenticate(Username.of("admin"), huge).as(Username.of("alice")));
      // The passdbs log "wrong password" only after hashing; none of them was asked.
      assertFalse(logs.contains("wrong password"), logs.lines().toString());
      assertEquals(3, logs.lines().stream().filter(l -> l.contains("authentication failed for user")
          && l.contains("password longer than " + PasswordLength.MAX_BYTES + " bytes")).count(), logs.lines().toString());
      assertFalse(logs.lines().stream().anyMatch(l -> l.contains("ppppppppp")), "no password in the logs");
    }
  }

  @Test
  void theCapCountsUtf8BytesAndAPasswordAtTheCapStillLogsIn() throws Exception {
    String longest = "x".repeat(PasswordLength.MAX_BYTES);
    assertEquals("long", sessions.authenticate(Username.of("long"), longest).withoutDelegation().getUser().asString());
    assertTrue(PasswordLength.tooLong(longest + "x"));
    assertTrue(PasswordLength.tooLong("é".repeat(PasswordLength.MAX_BYTES / 2 + 1)), "two bytes each in UTF-8");
    assertFalse(PasswordLength.tooLong("é".repeat(PasswordLength.MAX_BYTES / 2)));
    assertEquals("alice", sessions.authenticate(Username.of("alice"), "secret").withoutDelegation().getUser().asString());
  }
}
