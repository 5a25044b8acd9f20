package dovetail.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.Flags;
import dovetail.store.MessageMeta;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dovetail stands in for Dovecot: what a client reads (greetings, QUIT and LOGOUT) names no implementation behind
 * it, and QUIT is answered in Dovecot's words, which clients and scripts may look for.
 */
class ServerRepliesIT {
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

  /** Sends each line (none for the greeting) and reads one reply line per line, plus the greeting. */
  private static List<String> session(int port, boolean multiLineReplies, String... lines) throws Exception {
    List<String> heard = new ArrayList<>();
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      heard.add(RawLines.line(in));
      for (String line : lines) {
        RawLines.send(out, line);
        String reply = RawLines.line(in);
        heard.add(reply);
        // LMTP's LHLO: 250-... lines up to the last 250 line; IMAP: untagged lines up to the tagged one
        while (multiLineReplies && (reply.matches("\\d{3}-.*") || reply.startsWith("* "))) {
          reply = RawLines.line(in);
          heard.add(reply);
        }
      }
    }
    return heard;
  }

  private static void assertNoBrand(List<String> heard) {
    for (String line : heard) {
      assertFalse(line.toLowerCase(Locale.ROOT).contains("james"), "names the implementation: " + line);
    }
  }

  @Test
  void pop3QuitSaysLoggingOutAsDovecotDoes() throws Exception {
    List<String> plain = session(dovetail.pop3Port(), false, "USER alice", "PASS secret", "QUIT");
    assertEquals("+OK Logging out.", plain.get(3), plain.toString());
    // Dovecot's shape; no APOP timestamp ("<...>"), as APOP is not offered (Thunderbird would try it)
    assertEquals("+OK Dovetail ready.", plain.get(0));
    assertNoBrand(plain);

    List<String> before = session(dovetail.pop3Port(), false, "QUIT");
    assertEquals("+OK Logging out.", before.get(1), "QUIT before login: " + before);
  }

  @Test
  void pop3QuitAfterDeleSaysMessagesDeleted() throws Exception {
    byte[] m = "Subject: to delete\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII);
    dovetail.store("alice").open("INBOX").append(MessageMeta.next(Instant.parse("2024-01-01T00:00:00Z"), Flags.NONE),
        new ByteArrayInputStream(m));
    List<String> heard = session(dovetail.pop3Port(), false, "USER alice", "PASS secret", "DELE 1", "QUIT");
    assertEquals("+OK Logging out, messages deleted.", heard.get(4), heard.toString());
    assertNoBrand(heard);
  }

  @Test
  void imapAndLmtpRepliesNameNoImplementation() throws Exception {
    List<String> imap = session(dovetail.imapPort(), true, "a LOGIN alice secret", "b LOGOUT");
    assertTrue(imap.get(0).startsWith("* OK ") && imap.get(0).endsWith(" Dovetail ready."), imap.get(0));
    assertNoBrand(imap);
    List<String> lmtp = session(dovetail.lmtpPort(), true, "LHLO client.example", "RSET", "QUIT");
    assertNoBrand(lmtp);
  }
}
