package dovetail.proxy.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.auth.LogCapture;
import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.MessageMeta;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Message numbers and TOP's line count as Dovecot 2.3 takes them (its replies, walk-through 4). Before, message 0
 * or -1 made James throw (an ERROR with a stack trace in the log per command), "DELE 1 2" deleted message 1,
 * "LIST +1" listed message 1 and "TOP 2 -1" sent the whole message; "TOP 2 2147483648" was refused (walk-through 7).
 */
class Pop3MessageNumbersIT {
  @TempDir Path dir;

  @Test
  void argumentsDovecotRefusesAreRefusedAndNothingIsDeleted() throws Exception {
    try (TestDovetail dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
        LogCapture log = new LogCapture()) {
      MailStore store = dovetail.store("alice");
      for (int i = 1; i <= 2; i++) {
        store.open(MailStore.INBOX).append(MessageMeta.next(Instant.parse("2024-01-02T03:04:05Z"), Flags.NONE),
            new ByteArrayInputStream(("Subject: " + i + "\r\n\r\nline 1\r\nline 2\r\n").getBytes(StandardCharsets.US_ASCII)));
      }
      Map<String, String> expected = new java.util.LinkedHashMap<>();
      expected.put("LIST 0", "-ERR There's no message 0.");
      expected.put("UIDL 0", "-ERR There's no message 0.");
      expected.put("RETR 0", "-ERR There's no message 0.");
      expected.put("TOP 0 1", "-ERR There's no message 0.");
      expected.put("DELE 0", "-ERR There's no message 0.");
      expected.put("LIST -1", "-ERR Invalid message number: -1");
      expected.put("UIDL +1", "-ERR Invalid message number: +1");
      expected.put("RETR x", "-ERR Invalid message number: x");
      expected.put("DELE 1 2", "-ERR Noise after message number: 2");
      expected.put("LIST 1 2", "-ERR Noise after message number: 2");
      expected.put("RETR 1 2", "-ERR Noise after message number: 2");
      expected.put("TOP 2 -1", "-ERR Invalid size: -1");
      expected.put("TOP 2 +1", "-ERR Invalid size: +1");
      expected.put("TOP 2 1 2", "-ERR Noise after size: 2");
      try (RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
        assertTrue(pop.command("USER alice").startsWith("+OK"));
        assertTrue(pop.command("PASS secret").startsWith("+OK"));
        for (Map.Entry<String, String> e : expected.entrySet()) {
          assertEquals(e.getValue(), pop.command(e.getKey()), e.getKey());
        }
        assertEquals("+OK 2 0", pop.command("STAT").replaceFirst(" [0-9]+$", " 0"), "nothing deleted");
        List<String> top = pop.multiline("TOP 2 1");
        assertEquals(List.of("+OK", "Subject: 2", "", "line 1"), top.subList(0, 4).stream()
            .map(l -> l.startsWith("+OK") ? "+OK" : l).toList(), "valid arguments still reach James: " + top);
        // A count beyond an int means all lines, as in Dovecot (James answered -ERR Usage).
        List<String> whole = pop.multiline("TOP 2 2147483647");
        assertEquals(whole, pop.multiline("TOP 2 2147483648"));
        assertEquals(whole, pop.multiline("TOP 2 99999999999999999999999"));
        assertEquals(List.of("Subject: 2", "", "line 1", "line 2"), whole.subList(1, 5), whole.toString());
        assertTrue(pop.command("QUIT").startsWith("+OK"));
      }
      assertEquals(2, store.open(MailStore.INBOX).messages().size());
      assertEquals(List.of(), log.problems(), "no ERROR or stack trace logged");
    }
  }

  /** The mailbox commands before a login are Dovecot's "-ERR Unknown command." (a bare -ERR before; walk-through 13). */
  @Test
  void mailboxCommandsBeforeALoginAreUnknownAsInDovecot() throws Exception {
    try (TestDovetail dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
        RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
      for (String command : List.of("STAT", "LIST", "UIDL", "RETR 1", "DELE 1", "TOP 1 0", "RSET")) {
        assertEquals("-ERR Unknown command.", pop.command(command), command);
      }
      assertTrue(pop.command("USER alice").startsWith("+OK"));
      assertEquals("-ERR Unknown command.", pop.command("STAT"), "after USER, before PASS");
      assertTrue(pop.command("PASS secret").startsWith("+OK"));
      assertTrue(pop.command("STAT").startsWith("+OK 0 "), "after the login James's STAT answers");
      assertTrue(pop.command("QUIT").startsWith("+OK"));
    }
  }

  /**
   * A message whose header is empty (it starts with the empty line): TOP n 0 sends that line only, TOP n 1 one body line
   * more, as Dovecot 2.3 does (walk-through 8, W3: James sent the whole body, taking it for the header).
   */
  @Test
  void topOfAMessageWithAnEmptyHeaderCountsItsBodyLines() throws Exception {
    try (TestDovetail dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start()) {
      dovetail.store("alice").open(MailStore.INBOX).append(MessageMeta.next(Instant.parse("2024-01-02T03:04:05Z"),
          Flags.NONE), new ByteArrayInputStream("\njust a body without any header\nsecond line\n".getBytes(
              StandardCharsets.US_ASCII)));
      try (RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
        assertTrue(pop.command("USER alice").startsWith("+OK"));
        assertTrue(pop.command("PASS secret").startsWith("+OK"));
        assertEquals(List.of(""), lines(pop.multiline("TOP 1 0")), "only the empty header line");
        assertEquals(List.of("", "just a body without any header"), lines(pop.multiline("TOP 1 1")));
        List<String> all = List.of("", "just a body without any header", "second line");
        assertEquals(all, lines(pop.multiline("TOP 1 9")));
        assertEquals(all, lines(pop.multiline("RETR 1")));
        assertTrue(pop.command("QUIT").startsWith("+OK"));
      }
    }
  }

  /** A multi-line answer without its status line. */
  private static List<String> lines(List<String> answer) {
    assertTrue(answer.get(0).startsWith("+OK"), answer.toString());
    return answer.subList(1, answer.size());
  }
}
