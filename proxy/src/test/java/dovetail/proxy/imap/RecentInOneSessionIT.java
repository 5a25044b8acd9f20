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
 * A message that arrives while several sessions have the folder selected is \Recent in one of them (RFC 3501 §2.3.2;
 * walk-through 12, T6: it was recent in every one, and imaptest counted more recent messages than the folder held).
 */
class RecentInOneSessionIT {
  @TempDir static Path tmp;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(tmp.resolve("dovetail")).user("alice", "{PLAIN}secret").start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  @Test
  void aNewMessageIsRecentInOneOfTheSessionsThatSeeItArrive() throws Exception {
    int port = dovetail.imapPort();
    try (RawImap a = RawImap.selected(port, "alice", "secret", "INBOX");
        RawImap b = RawImap.selected(port, "alice", "secret", "INBOX");
        RawImap c = RawImap.connect(port)) {
      c.command("LOGIN alice secret");
      assertTrue(RawImap.last(c.append("INBOX", "()", "Subject: new\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII)))
          .contains(" OK "));
      List<String> seenByA = a.command("NOOP");
      List<String> seenByB = b.command("NOOP");
      assertTrue(seenByA.contains("* 1 EXISTS") && seenByB.contains("* 1 EXISTS"), seenByA + " / " + seenByB);
      int recentInA = recentFlags(a);
      int recentInB = recentFlags(b);
      assertEquals(1, recentInA + recentInB, "\\Recent in A " + recentInA + ", in B " + recentInB);
      assertTrue(seenByA.contains("* " + recentInA + " RECENT") && seenByB.contains("* " + recentInB + " RECENT"),
          seenByA + " / " + seenByB);
    }
  }

  private static int recentFlags(RawImap imap) throws Exception {
    return (int) imap.command("FETCH 1 (FLAGS)").stream().filter(l -> l.startsWith("* 1 FETCH") && l.contains("\\Recent"))
        .count();
  }
}
