package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Folder commands refused for a folder that is there already or is not carry RFC 5530's code as in Dovecot
 * ({@code ALREADYEXISTS}, {@code NONEXISTENT}; a client tells "already there" from a failure by it), and DELETE INBOX
 * is refused without costing the client its selected INBOX (James deselected it first, then failed).
 */
class FolderResponseCodesDovecotIT {
  private static final Pattern TAGGED = Pattern.compile("^\\S+ (OK|NO|BAD) (\\[([A-Z-]+)[^]]*\\] )?.*");
  private static final List<String> COMMANDS = List.of("CREATE Foo", "CREATE Foo", "CREATE INBOX", "RENAME Foo INBOX",
      "DELETE Nope", "RENAME Nope Bar", "SELECT Nope", "EXAMINE Nope", "DELETE Foo");

  @TempDir Path dir;

  @Test
  void refusedFolderCommandsCarryDovecotsCodes() throws Exception {
    DovecotTwin twin = DovecotTwin.start(dir, Instant.parse("2024-01-01T00:00:00Z"),
        List.of("Subject: one\r\n\r\none\r\n".getBytes(StandardCharsets.US_ASCII)));
    try {
      List<List<String>> answers = new ArrayList<>();
      for (DovecotTwin.Server server : List.of(twin.dovecot(), twin.dovetail())) {
        List<String> codes = new ArrayList<>();
        try (RawImap imap = server.login()) {
          for (String command : COMMANDS) {
            codes.add(command + " -> " + statusAndCode(RawImap.last(imap.command(command))));
          }
        }
        answers.add(codes);
      }
      assertEquals(answers.get(0), answers.get(1), "Dovecot, then Dovetail");
      assertTrue(answers.get(1).contains("CREATE INBOX -> NO [ALREADYEXISTS]"), answers.get(1).toString());
      assertTrue(answers.get(1).contains("DELETE Nope -> NO [NONEXISTENT]"), answers.get(1).toString());
    } finally {
      twin.close();
    }
  }

  @Test
  void deleteInboxIsRefusedAndInboxStaysSelected() throws Exception {
    DovecotTwin twin = DovecotTwin.start(dir, Instant.parse("2024-01-01T00:00:00Z"),
        List.of("Subject: one\r\n\r\none\r\n".getBytes(StandardCharsets.US_ASCII)));
    try {
      for (DovecotTwin.Server server : List.of(twin.dovecot(), twin.dovetail())) {
        try (RawImap imap = server.login()) {
          assertTrue(RawImap.last(imap.command("SELECT INBOX")).contains(" OK "), server.name());
          String refused = RawImap.last(imap.command("DELETE INBOX"));
          assertTrue(refused.contains(" NO ") && refused.contains("INBOX can't be deleted"), server.name() + ": " + refused);
          List<String> fetch = imap.command("FETCH 1 (FLAGS)");
          assertTrue(RawImap.last(fetch).contains(" OK "), server.name() + " lost its selection: " + fetch);
        }
      }
    } finally {
      twin.close();
    }
  }

  /** "NO [CODE]", "NO" or "OK": what a client acts on; the texts differ (and an OK's codes: Dovetail's MAILBOXID). */
  private static String statusAndCode(String tagged) {
    Matcher m = TAGGED.matcher(tagged);
    assertTrue(m.matches(), tagged);
    return m.group(3) == null || !m.group(1).equals("NO") ? m.group(1) : m.group(1) + " [" + m.group(3) + "]";
  }
}
