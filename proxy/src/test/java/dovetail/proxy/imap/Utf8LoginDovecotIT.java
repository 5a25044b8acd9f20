package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.dovecot.DovecotServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LOGIN with a non-ASCII password in UTF-8, quoted and as a literal, answered as real Dovecot 2.3 (the legacy
 * server, {@code passdb = legacy}) answers it: OK (and, as an atom, BAD as Dovecot says). Before, Dovetail answered BAD ("Illegal
 * encoding" quoted, "IO failure" as a literal), so users with such passwords could log in by AUTHENTICATE only.
 */
class Utf8LoginDovecotIT {
  private static final String PASSWORD = "Grüße-pä€";

  @TempDir static Path dir;
  private static DovecotServer legacy;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    DovecotServer.assumeInstalled();
    legacy = DovecotServer.builder(dir.resolve("legacy")).user("erin", PASSWORD)
        .autoCreateSpecialUse(false).start();
    dovetail = TestDovetail.builder(dir.resolve("dovetail")).legacyPassdb(legacy.imapPort()).start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
    if (legacy != null) {
      legacy.close();
    }
  }

  private static List<Integer> bothPorts() {
    return List.of(legacy.imapPort(), dovetail.imapPort());
  }

  @Test
  void quotedUtf8PasswordLogsIn() throws Exception {
    for (int port : bothPorts()) {
      try (RawImap imap = RawImap.connect(port)) {
        String answer = RawImap.last(imap.command("LOGIN \"erin\" \"" + PASSWORD + "\""));
        assertTrue(answer.startsWith("a1 OK"), port + ": " + answer);
      }
    }
  }

  @Test
  void utf8PasswordAsALiteralLogsIn() throws Exception {
    for (int port : bothPorts()) {
      try (RawImap imap = RawImap.connect(port)) {
        String answer = RawImap.last(imap.commandWithLiteral("LOGIN erin", PASSWORD.getBytes(StandardCharsets.UTF_8)));
        assertTrue(answer.startsWith("a1 OK"), port + ": " + answer);
      }
    }
  }

  @Test
  void utf8PasswordAsAnAtomIsBadAsDovecotSays() throws Exception {
    for (int port : bothPorts()) {
      try (RawImap imap = RawImap.connect(port)) {
        String answer = RawImap.last(imap.command("LOGIN erin " + PASSWORD));
        assertTrue(answer.startsWith("a1 BAD"), port + ": " + answer); // Dovecot: "8bit data in atom"
      }
    }
  }

  @Test
  void aWrongUtf8PasswordIsRefusedWithNoNotBad() throws Exception {
    for (int port : bothPorts()) {
      try (RawImap imap = RawImap.connect(port)) {
        String answer = RawImap.last(imap.command("LOGIN erin \"Grüße-falsch\""));
        assertTrue(answer.startsWith("a1 NO"), port + ": " + answer);
      }
    }
  }
}
