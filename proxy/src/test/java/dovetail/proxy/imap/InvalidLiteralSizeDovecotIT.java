package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  private static DovecotTwin twin;

  @BeforeAll
  static void start() throws Exception {
    twin = DovecotTwin.start(dir, store -> { });
  }

  @AfterAll
  static void stop() throws Exception {
    if (twin != null) {
      twin.close();
    }
  }

  private static final List<String> COMMANDS = List.of("APPEND INBOX {-1}", "APPEND INBOX {abc}", "APPEND INBOX {-1+}",
      "APPEND INBOX (\\Seen) {1a}", "CREATE {-1}", "SELECT {x}");

  @Test
  void aLiteralSizeThatIsNoNumberIsAnsweredBadInvalidLiteralSize() throws Exception {
    for (DovecotTwin.Server server : List.of(twin.dovecot(), twin.dovetail())) {
      String port = server.name();
      try (RawImap imap = server.login()) {
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
