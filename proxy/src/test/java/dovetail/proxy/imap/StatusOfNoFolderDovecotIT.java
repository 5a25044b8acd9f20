package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * STATUS of a folder that does not exist is answered in Dovecot's words (walk-through 10, W3: it was {@code NO STATUS
 * failed. Status failed.}, with an ERROR and a stack trace in the log).
 */
class StatusOfNoFolderDovecotIT {
  @TempDir Path dir;

  @Test
  void statusOfAFolderThatDoesNotExistIsAnsweredInDovecotsWords() throws Exception {
    DovecotTwin twin = DovecotTwin.start(dir, Instant.parse("2024-01-01T00:00:00Z"),
        List.of("Subject: one\r\n\r\none\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    try {
      List<String> answers = new ArrayList<>();
      for (DovecotTwin.Server server : List.of(twin.dovecot(), twin.dovetail())) {
        try (RawImap imap = server.login()) {
          answers.add(withoutTiming(RawImap.last(imap.command("STATUS \"Gone\" (MESSAGES)"))));
          assertTrue(RawImap.last(imap.command("STATUS INBOX (MESSAGES)")).contains(" OK "), server.name());
        }
      }
      assertEquals(answers.get(0), answers.get(1), "Dovecot, then Dovetail");
      assertTrue(answers.get(1).contains(" NO Mailbox doesn't exist: Gone"), answers.toString());
    } finally {
      twin.close();
    }
  }

  /** Dovecot ends its tagged lines with " (0.001 + 0.000 secs)."; the tag differs too. */
  private static String withoutTiming(String line) {
    return line.substring(line.indexOf(' ')).replaceAll(" \\(\\d+\\.\\d+ \\+ \\d+\\.\\d+( \\+ \\d+\\.\\d+)? secs\\)\\.$", "");
  }
}
