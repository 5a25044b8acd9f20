package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FETCH of Dovetail's own items (ENVELOPE, BODYSTRUCTURE) over a range looks the range's messages up together
 * (FetchItemsFix): each response must still carry its own message's items, across UID gaps, several ranges and
 * sequence numbers.
 */
class FetchRangeIT {
  @TempDir static Path dir;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
    try (PipelineWire w = new PipelineWire(dovetail.imapPort()).loginAndSelect("alice", "secret", "INBOX")) {
      for (int i = 1; i <= 6; i++) {
        String m = "Subject: Message " + i + "\r\nFrom: sender" + i + "@example.org\r\n\r\n"
            + (i % 2 == 0 ? "plain body " + i + "\r\n" : "body\r\n".repeat(i));
        w.send("a" + i + " APPEND INBOX {" + m.length() + "+}\r\n" + m + "\r\n");
        assertTrue(last(w.untilTagged("a" + i)).startsWith("a" + i + " OK"));
      }
      // Gaps: UIDs 2 and 4 go, so UIDs 1, 3, 5, 6 are messages 1 to 4.
      w.send("d UID STORE 2,4 +FLAGS.SILENT (\\Deleted)\r\ne EXPUNGE\r\n");
      w.untilTagged("d");
      assertTrue(last(w.untilTagged("e")).startsWith("e OK"));
    }
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  private static String last(List<String> lines) {
    return lines.get(lines.size() - 1);
  }

  /** Message number -> the FETCH response line for it. */
  private static Map<Integer, String> fetch(String command) throws Exception {
    try (PipelineWire w = new PipelineWire(dovetail.imapPort()).loginAndSelect("alice", "secret", "INBOX")) {
      w.send("f " + command + "\r\n");
      List<String> lines = w.untilTagged("f");
      assertTrue(last(lines).startsWith("f OK"), lines.toString());
      Map<Integer, String> out = new java.util.TreeMap<>();
      for (String l : lines) {
        if (l.matches("\\* \\d+ FETCH .*")) {
          out.put(Integer.parseInt(l.split(" ")[1]), l);
        }
      }
      return out;
    }
  }

  private static void assertSubjects(Map<Integer, Long> msnToUid, Map<Integer, String> responses) {
    assertEquals(msnToUid.keySet(), responses.keySet());
    msnToUid.forEach((msn, uid) -> {
      String line = responses.get(msn);
      assertTrue(line.contains("\"Message " + uid + "\""), "message " + msn + " is UID " + uid + ": " + line);
      for (long other = 1; other <= 6; other++) {
        if (other != uid) {
          assertTrue(!line.contains("\"Message " + other + "\""), line);
        }
      }
    });
  }

  @Test
  void uidFetchOfEnvelopesAcrossGapsAnswersEachMessageWithItsOwn() throws Exception {
    assertSubjects(Map.of(1, 1L, 2, 3L, 3, 5L, 4, 6L), fetch("UID FETCH 1:* (UID ENVELOPE)"));
  }

  @Test
  void severalUidRangesWithStructureAndEnvelope() throws Exception {
    Map<Integer, String> r = fetch("UID FETCH 3,5:6 (ENVELOPE BODYSTRUCTURE)");
    assertSubjects(Map.of(2, 3L, 3, 5L, 4, 6L), r);
    // Message 2 is UID 3: three body lines.
    assertTrue(r.get(2).contains(" 18 3 "), r.get(2));
  }

  @Test
  void sequenceNumbersWithoutUidAnswerTheMessagesTheyName() throws Exception {
    Map<Integer, String> r = fetch("FETCH 2:4 (ENVELOPE)");
    assertSubjects(Map.of(2, 3L, 3, 5L, 4, 6L), r);
    r.values().forEach(l -> assertTrue(!l.contains("UID "), "UID was not asked for: " + l));
  }
}
