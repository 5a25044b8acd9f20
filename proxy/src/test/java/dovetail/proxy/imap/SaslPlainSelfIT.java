package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AUTHENTICATE PLAIN whose authorization id names the user itself in other letter case ({@code Bob\0bob\0pw}): a
 * login as that user, as Dovecot takes it (walk-through 19, F1). It was taken for a master login, which James then
 * refused as none: "NO AUTHENTICATE processing failed" and an ERROR with a stack trace per attempt, without the
 * failure delay or the count of failed logins (a log flood of 700 KB/s from one connection).
 */
class SaslPlainSelfIT {
  @TempDir static Path tmp;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(tmp.resolve("dovetail")).user("bob", "{PLAIN}bob-pw").start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  private static String plain(String authzid, String authcid, String password) {
    return Base64.getEncoder().encodeToString((authzid + "\0" + authcid + "\0" + password)
        .getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anAuthorizationIdThatIsTheUserInOtherCaseIsTheUsersOwnLogin() throws Exception {
    try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
      List<String> ok = imap.command("AUTHENTICATE PLAIN " + plain("Bob", "bob", "bob-pw"));
      assertTrue(RawImap.last(ok).matches("a\\d+ OK .*"), ok.toString());
    }
    try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
      List<String> refused = imap.command("AUTHENTICATE PLAIN " + plain("BOB", "bob", "guess"));
      assertTrue(RawImap.last(refused).contains("NO [AUTHENTICATIONFAILED]"), refused.toString());
    }
  }

  /** Names no user can have, on either side: a failed login like any other, not an error of the server. */
  @Test
  void anImpossibleNameIsAFailedLogin() throws Exception {
    for (String[] fields : new String[][] {{"a@b@c", "bob", "bob-pw"}, {"", "a@b@c", "pw"}}) {
      try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
        List<String> refused = imap.command("AUTHENTICATE PLAIN " + plain(fields[0], fields[1], fields[2]));
        assertTrue(RawImap.last(refused).contains("NO [AUTHENTICATIONFAILED]"), refused.toString());
      }
    }
    try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
      List<String> refused = imap.command("LOGIN a@b@c pw"); // James's: BAD, the argument is refused
      assertTrue(RawImap.last(refused).matches("a\\d+ BAD .*"), refused.toString());
    }
  }
}
