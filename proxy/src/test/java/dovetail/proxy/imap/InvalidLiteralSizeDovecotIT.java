package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.dovecot.DovecotServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A literal announced with a size that is no number ({@code {-1}}, {@code {abc}}): Dovecot 2.3 answers
 * "BAD Error in IMAP command APPEND: Invalid literal size"; James answered "BAD APPEND failed. IO failure." and, for a
 * mailbox name, Dovetail even "NO Mailbox name is not valid mUTF-7" (walk-through 13, B8).
 */
class InvalidLiteralSizeDovecotIT {
  @TempDir static Path dir;
  private static DovecotServer dovecot;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    DovecotServer.assumeInstalled();
    dovecot = DovecotServer.builder(dir.resolve("dovecot")).user("alice", "secret").autoCreateSpecialUse(false).start();
    dovetail = TestDovetail.builder(dir.resolve("dovetail")).user("alice", "{PLAIN}secret").start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
    if (dovecot != null) {
      dovecot.close();
    }
  }

  private static final List<String> COMMANDS = List.of("APPEND INBOX {-1}", "APPEND INBOX {abc}", "APPEND INBOX {-1+}",
      "APPEND INBOX (\\Seen) {1a}", "CREATE {-1}", "SELECT {x}");

  @Test
  void aLiteralSizeThatIsNoNumberIsAnsweredBadInvalidLiteralSize() throws Exception {
    for (int port : new int[] {dovecot.imapPort(), dovetail.imapPort()}) {
      try (RawImap imap = RawImap.connect(port)) {
        imap.command("LOGIN alice secret");
        for (String command : COMMANDS) {
          String tagged = RawImap.last(imap.command(command));
          String answer = tagged.substring(tagged.indexOf(' ') + 1).replaceFirst(" \\([0-9.+ ]+ secs\\)\\.$", "");
          assertTrue(answer.startsWith("BAD ") && answer.endsWith("Invalid literal size"), port + " " + command
              + ": " + tagged);
        }
        assertTrue(RawImap.last(imap.command("NOOP")).contains(" OK "), port + ": the connection goes on");
        assertEquals("[INBOX]", imap.command("LIST \"\" *").stream().filter(l -> l.startsWith("* LIST"))
            .map(l -> l.substring(l.lastIndexOf(' ') + 1).replace("\"", "")).toList().toString(),
            port + ": nothing was created");
      }
    }
  }
}
