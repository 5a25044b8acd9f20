package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.dovecot.DovecotServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One client flooding wrong LOGINs holds up nobody else (walk-through 6, W1): with passdb = legacy, a legacy Dovecot
 * that trusts Dovetail slows every check of the flooding address (its auth penalty, up to 15 s), and those checks
 * held all of James's blocking-call threads: other users' logins and the NOOPs of logged-in sessions waited for
 * minutes. Real Dovecot 2.3 as the legacy server; the flood comes from 127.0.0.2, everybody else from 127.0.0.1. The
 * clients' reads time out after 20 s, where the other users' answers, after the fix, take well under a second.
 */
class LoginFloodDovecotIT {
  private static final int FLOOD = 100;

  @TempDir Path dir;

  @Test
  void aLoginFloodFromOneAddressHoldsUpNeitherOtherLoginsNorLoggedInSessions() throws Exception {
    DovecotServer.assumeInstalled();
    List<RawImap> flood = new ArrayList<>();
    try (DovecotServer legacy = DovecotServer.builder(dir.resolve("legacy")).user("alice", "Alice-Pass-1")
        .user("bob", "Bob-Pass-2").user("carol", "Carol-Pass-3").autoCreateSpecialUse(false)
        .extraConfig("login_trusted_networks = 127.0.0.1").start();
        TestDovetail dovetail = TestDovetail.builder(dir.resolve("dovetail")).legacyPassdb(legacy.imapPort())
            .setting("sweeper = no").failureDelay(Duration.ZERO).start();
        RawImap carol = RawImap.connect(dovetail.imapPort())) {
      assertTrue(RawImap.last(carol.command("LOGIN carol Carol-Pass-3")).contains(" OK"));

      for (int i = 0; i < FLOOD; i++) {
        RawImap guess = RawImap.connectFrom("127.0.0.2", dovetail.imapPort());
        flood.add(guess);
        guess.send("g LOGIN alice Wrong-Guess-" + i);
      }
      Thread.sleep(1000); // the flood's checks are all under way
      List<String> noop = carol.command("NOOP");
      assertTrue(RawImap.last(noop).contains(" OK"), "a logged-in session is served: " + noop);
      try (RawImap bob = RawImap.connect(dovetail.imapPort())) {
        List<String> login = bob.command("LOGIN bob Bob-Pass-2");
        assertTrue(RawImap.last(login).contains(" OK"), "another client logs in: " + login);
      }
      // Beyond the flooding address's few checks at a time, its guesses are turned away at once, unchecked. Which
      // ones depends on how fast the flood came (on a busy machine early checks may end before the last guess).
      int turnedAway = 0;
      for (RawImap guess : flood) {
        String answer = guess.readResponse();
        if (answer.startsWith("g NO [UNAVAILABLE]")) {
          turnedAway++;
        } else {
          assertTrue(answer.startsWith("g NO [AUTHENTICATIONFAILED]"), answer);
        }
      }
      assertTrue(turnedAway > 0, "none of " + FLOOD + " guesses was turned away");
    } finally {
      for (RawImap guess : flood) {
        try {
          guess.close();
        } catch (IOException ignored) {
          // gone already
        }
      }
    }
  }
  /**
   * Many users logging in at once from one address (a webmail host, a NAT, a proxy), right after a start, when every
   * check goes to the legacy server: they wait their turn beyond the address's 16 checks at a time, and all get in
   * (walk-through 9, W1: 84 of 100 were answered NO [UNAVAILABLE]).
   */
  @Test
  void aBurstOfCorrectLoginsFromOneAddressIsServed() throws Exception {
    DovecotServer.assumeInstalled();
    int users = 72; // 16 checked at a time, the rest (at most 64) waiting
    DovecotServer.Builder b = DovecotServer.builder(dir.resolve("legacy")).autoCreateSpecialUse(false)
        .extraConfig("login_trusted_networks = 127.0.0.1");
    for (int i = 0; i < users; i++) {
      b.user(String.format("u%02d", i), "Pass-" + i);
    }
    List<RawImap> burst = new ArrayList<>();
    try (DovecotServer legacy = b.start();
        TestDovetail dovetail = TestDovetail.builder(dir.resolve("dovetail")).legacyPassdb(legacy.imapPort())
            .setting("sweeper = no").start()) {
      for (int i = 0; i < users; i++) {
        burst.add(RawImap.connectFrom("127.0.0.3", dovetail.imapPort()));
      }
      for (int i = 0; i < users; i++) {
        burst.get(i).send(String.format("b LOGIN u%02d Pass-%d", i, i));
      }
      List<String> refused = new ArrayList<>();
      for (RawImap login : burst) {
        String answer = login.readResponse();
        if (!answer.startsWith("b OK")) {
          refused.add(answer);
        }
      }
      assertEquals(List.of(), refused);
    } finally {
      for (RawImap login : burst) {
        try {
          login.close();
        } catch (IOException ignored) {
          // gone already
        }
      }
    }
  }
}
