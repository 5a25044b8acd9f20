package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Messages nested deeper than anyone writes, which any outsider can send (LMTP) and a legacy server can hold: every
 * client's FETCH of new mail and SEARCH in the folder are still answered, completely, and the session goes on
 * (walk-through 19: F2, a BODYSTRUCTURE cut off mid-line by "NO FETCH processing failed" for message/rfc822 deeper
 * than 100, so the folder never synced; F3, SEARCH TEXT never answered for 20,000 nested multiparts, a stack overflow
 * in the MIME parser on a worker thread). Dovecot also stops at 100 levels (max_nested_mime_parts).
 */
class DeepMimeIT {
  @TempDir static Path dir;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  /** {@code levels} message/rfc822 parts, each carrying the next; the innermost says "invoice". */
  private static byte[] forwardedDeep(int levels) {
    String header = "From: someone@example.com\r\nSubject: fwd\r\nContent-Type: message/rfc822\r\n\r\n";
    return (header.repeat(levels) + "Subject: inner\r\n\r\ninvoice\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** {@code levels} multiparts, each the only part of the one around it; the innermost text says "invoice". */
  private static byte[] multipartDeep(int levels) {
    StringBuilder s = new StringBuilder("Subject: deep\r\n");
    for (int i = 0; i < levels; i++) {
      s.append("Content-Type: multipart/mixed; boundary=\"b").append(i).append("z\"\r\n\r\n--b").append(i).append("z\r\n");
    }
    s.append("Content-Type: text/plain\r\n\r\ninvoice\r\n");
    for (int i = levels - 1; i >= 0; i--) {
      s.append("--b").append(i).append("z--\r\n");
    }
    return s.toString().getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void deeplyNestedMessagesAreFetchedAndSearchedAndTheSessionGoesOn() throws Exception {
    try (RawImap imap = RawImap.selected(dovetail.imapPort(), "alice", "secret", "INBOX")) {
      for (byte[] message : List.of(forwardedDeep(200), forwardedDeep(20_000), multipartDeep(200),
          multipartDeep(20_000))) {
        List<String> appended = imap.append("INBOX", "()", message);
        assertTrue(RawImap.last(appended).contains(" OK "), appended.toString());
      }
      List<String> fetched = imap.command("UID FETCH 1:* (FLAGS BODYSTRUCTURE)");
      assertTrue(RawImap.last(fetched).matches("a\\d+ OK .*"), RawImap.last(fetched));
      List<String> answers = fetched.stream().filter(l -> l.startsWith("* ")).toList();
      assertEquals(4, answers.size(), fetched.toString());
      for (String answer : answers) {
        assertTrue(answer.endsWith(")"), "cut off: ..." + answer.substring(Math.max(0, answer.length() - 80)));
      }
      List<String> found = imap.command("UID SEARCH TEXT invoice");
      assertTrue(RawImap.last(found).matches("a\\d+ OK .*"), found.toString());
      // Deeper than 100 levels a part is searched as one text, with the parts inside it: each is found.
      assertEquals("* SEARCH 1 2 3 4", found.get(0), found.toString());
      assertTrue(RawImap.last(imap.command("NOOP")).matches("a\\d+ OK .*"), "the session goes on");
    }
  }

  /** Review 25, F2: once a part was deeper than 100 levels, the parts after it were no longer told apart. */
  @Test
  void thePartsAfterADeepOneAreSearchedAsParts() throws Exception {
    String message = "Subject: mixed\r\nContent-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n--outer\r\n"
        + new String(forwardedDeep(120), StandardCharsets.US_ASCII).replace("invoice", "deepword")
        + "--outer\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n--alt\r\n"
        + "Content-Type: text/plain\r\n\r\nsiblingword\r\n--alt--\r\n--outer--\r\n";
    try (RawImap imap = RawImap.selected(dovetail.imapPort(), "alice", "secret", "INBOX")) {
      List<String> appended = imap.append("INBOX", "()", message.getBytes(StandardCharsets.US_ASCII));
      String uid = RawImap.last(appended).replaceAll(".*APPENDUID \\d+ (\\d+).*", "$1");
      for (String word : List.of("deepword", "siblingword")) {
        List<String> found = imap.command("UID SEARCH BODY " + word);
        assertTrue(found.get(0).matches("\\* SEARCH.* " + uid + "( .*)?"), word + ": " + found);
      }
    }
  }
}
