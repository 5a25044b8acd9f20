package dovetail.proxy.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dovetail.conf.ConfigLoader;
import dovetail.conf.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.exception.BadCredentialsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Authentication#create}: the listener hears every login of a user with the user's own password (legacy and
 * passwd-file), never a refused one and never a master user's, and the end of each such login's session once; a
 * listener that throws does not fail the login.
 */
class LoginListenerIT {
  @TempDir Path dir;
  private GreenMail legacy;
  private final List<String> heard = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    legacy = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
    legacy.start();
    legacy.setUser("alice@example.com", "alice", "alice-pw");
  }

  @AfterEach
  void stop() {
    legacy.stop();
  }

  private Settings settings(String passdb) throws Exception {
    Files.writeString(dir.resolve("passwd"), "bob:{PLAIN}bob-pw\n");
    Files.writeString(dir.resolve("masters"), "admin:{PLAIN}admin-pw\n");
    return ConfigLoader.load(List.of("passdb=" + passdb, "imapc_host=127.0.0.1",
        "imapc_port=" + legacy.getImap().getPort(), "mail_location=maildir:" + dir + "/mail/%n/Maildir",
        "master_passdb=passwd-file:" + dir.resolve("masters"), "auth_failure_delay=0"));
  }

  private Authentication authentication(String passdb) throws Exception {
    return Authentication.create(settings(passdb), (user, password) -> heard.add(user + ":" + password));
  }

  @Test
  void legacyLoginsAreHeardWithTheirPassword() throws Exception {
    Authentication auth = authentication("legacy");
    assertFalse(auth.authenticator().isAuthentic(Username.of("alice"), "wrong"));
    assertTrue(auth.authenticator().isAuthentic(Username.of("alice"), "alice-pw"));
    assertTrue(auth.authenticator().isAuthentic(Username.of("alice"), "alice-pw")); // from the recent-login cache
    assertEquals(List.of("alice:alice-pw", "alice:alice-pw"), heard);
  }

  @Test
  void passwdFileLoginsAreHeardAndMasterLoginsAreNot() throws Exception {
    Authentication auth = authentication("passwd-file:" + dir.resolve("passwd"));
    MailboxSession own = auth.sessionProvider().authenticate(Username.of("bob"), "bob-pw").withoutDelegation();
    assertEquals("bob", own.getUser().asString());
    MailboxSession viaMaster = auth.sessionProvider().authenticate(Username.of("bob*admin"), "admin-pw")
        .withoutDelegation();
    assertEquals("bob", viaMaster.getUser().asString());
    assertEquals("admin", viaMaster.getLoggedInUser().orElseThrow().asString());
    assertThrows(BadCredentialsException.class,
        () -> auth.sessionProvider().authenticate(Username.of("bob"), "nope").withoutDelegation());
    assertEquals(List.of("bob:bob-pw"), heard);
  }

  @Test
  void theEndOfASessionIsHeardOncePerLoginHeardAndNeverForAMasterLogin() throws Exception {
    List<String> ended = new CopyOnWriteArrayList<>();
    Authentication auth = Authentication.create(settings("passwd-file:" + dir.resolve("passwd")), new LoginListener() {
      @Override
      public void loggedIn(String user, String password) {
        heard.add(user);
      }

      @Override
      public void loggedOut(String user) {
        ended.add(user);
      }
    });
    MailboxSession own = auth.sessionProvider().authenticate(Username.of("bob"), "bob-pw").withoutDelegation();
    MailboxSession viaMaster = auth.sessionProvider().authenticate(Username.of("bob*admin"), "admin-pw")
        .withoutDelegation();
    LoginSessionEnd.end(viaMaster);
    assertEquals(List.of(), ended, "a master login was not heard of");
    LoginSessionEnd.end(own);
    LoginSessionEnd.end(own); // LOGOUT, then the connection's close
    assertEquals(List.of("bob"), heard);
    assertEquals(List.of("bob"), ended);
  }

  @Test
  void aListenerThatThrowsDoesNotFailTheLogin() throws Exception {
    Authentication auth = Authentication.create(settings("legacy"), (user, password) -> {
      throw new IllegalStateException("migration service is down");
    });
    assertTrue(auth.authenticator().isAuthentic(Username.of("alice"), "alice-pw"));
  }
}
