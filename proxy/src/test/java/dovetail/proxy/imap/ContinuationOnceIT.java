package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command that waits for a line of the client's (IDLE for DONE, AUTHENTICATE for the client's response) sends one
 * "+" and one tagged answer: the client's line must not race the server's own flush of the continuation (IDLE once
 * got "+ Idling" twice, about one in 50, and AUTHENTICATE "+ " twice or its tagged OK run into it; a client that
 * takes a "+" as a request for more sends its next command as an answer). The race is a matter of microseconds, so
 * each test runs the exchange many times; every one of them must be answered right.
 */
class ContinuationOnceIT {
  private static final int ROUNDS = 600;

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

  /** The lines up to and including the tagged one, less untagged updates (which may come at any time). */
  private static List<String> answeredLines(RawImap imap, String tag) throws Exception {
    List<String> lines = new ArrayList<>();
    String line;
    do {
      line = imap.readResponse();
      if (!line.startsWith("* ")) {
        lines.add(line);
      }
    } while (!line.startsWith(tag + " "));
    return lines;
  }

  @Test
  void doneSentAsSoonAsIdleIsContinuedGetsOnlyTheTaggedOk() throws Exception {
    List<String> wrong = new ArrayList<>();
    try (RawImap imap = RawImap.selected(dovetail.imapPort(), "alice", "secret", "INBOX")) {
      for (int i = 0; i < ROUNDS; i++) {
        String tag = "i" + i;
        imap.send(tag + " IDLE");
        String continuation = imap.readResponse();
        imap.send("DONE");
        List<String> afterDone = answeredLines(imap, tag);
        if (!continuation.startsWith("+ ") || afterDone.size() != 1 || !afterDone.get(0).startsWith(tag + " OK")) {
          wrong.add(continuation + " / DONE / " + afterDone);
        }
      }
      assertTrue(RawImap.last(imap.command("NOOP")).contains("OK"));
    }
    assertEquals(List.of(), wrong.subList(0, Math.min(5, wrong.size())), wrong.size() + " of " + ROUNDS + " IDLEs");
  }

  /** DONE pipelined with its IDLE: it waits for IDLE to be answered, and is then IDLE's end, not a command. */
  @Test
  void doneSentWithIdleGetsOneContinuationAndOneTaggedOk() throws Exception {
    List<String> wrong = new ArrayList<>();
    try (RawImap imap = RawImap.selected(dovetail.imapPort(), "alice", "secret", "INBOX")) {
      for (int i = 0; i < ROUNDS; i++) {
        String tag = "p" + i;
        imap.send(tag + " IDLE\r\nDONE");
        List<String> lines = answeredLines(imap, tag);
        if (lines.size() != 2 || !lines.get(0).startsWith("+ ") || !lines.get(1).startsWith(tag + " OK")) {
          wrong.add(lines.toString());
        }
      }
      // Nothing of the last IDLE is left to come before the next command's answer.
      imap.send("n1 NOOP");
      assertEquals(List.of("n1 OK NOOP completed."), answeredLines(imap, "n1"));
    }
    assertEquals(List.of(), wrong.subList(0, Math.min(5, wrong.size())), wrong.size() + " of " + ROUNDS + " IDLEs");
  }

  /**
   * Another session writes all the while, so IDLE's updates go out from the event threads as DONE comes in: each
   * IDLE still gets one "+" and one tagged OK, and every other line is a whole untagged response.
   */
  @Test
  void updatesSentDuringIdleNeitherDoubleNorBreakItsAnswers() throws Exception {
    List<String> wrong = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean stop = new AtomicBoolean();
    Thread writer = new Thread(() -> {
      try (RawImap other = RawImap.connect(dovetail.imapPort())) {
        other.command("LOGIN alice secret");
        other.command("SELECT INBOX");
        for (int n = 0; !stop.get(); n++) {
          other.append("INBOX", "(\\Seen)", ("Subject: " + n + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII));
          if (n % 10 == 9) {
            other.command("STORE 1:5 +FLAGS (\\Deleted)");
            other.command("EXPUNGE");
          }
        }
      } catch (Exception e) {
        if (!stop.get()) {
          wrong.add("the writing session failed: " + e);
        }
      }
    });
    Pattern untagged = Pattern.compile("\\* (\\d+ (EXISTS|RECENT|EXPUNGE|FETCH \\(.*\\))|OK .*)");
    try (RawImap imap = RawImap.selected(dovetail.imapPort(), "alice", "secret", "INBOX")) {
      writer.start();
      for (int i = 0; i < ROUNDS * 2; i++) {
        String tag = "u" + i;
        imap.send(tag + " IDLE");
        List<String> lines = new ArrayList<>();
        String line;
        do {
          line = imap.readResponse();
          lines.add(line);
        } while (line.startsWith("* "));
        imap.send("DONE");
        do {
          line = imap.readResponse();
          lines.add(line);
        } while (!line.startsWith(tag + " "));
        long continuations = lines.stream().filter(l -> l.startsWith("+ ")).count();
        long tagged = lines.stream().filter(l -> l.startsWith(tag + " ")).count();
        boolean whole = lines.stream().allMatch(l -> l.startsWith("+ ") || l.startsWith(tag + " OK")
            || untagged.matcher(l).matches());
        if (continuations != 1 || tagged != 1 || !whole) {
          wrong.add(lines.toString());
        }
      }
    } finally {
      stop.set(true);
      writer.join();
    }
    assertEquals(List.of(), wrong.subList(0, Math.min(5, wrong.size())), wrong.size() + " of " + ROUNDS * 2 + " IDLEs");
  }

  /** AUTHENTICATE PLAIN without an initial response, answered at once, from several clients at a time. */
  @Test
  void authenticateWithoutInitialResponseGetsOneContinuationAndOneTaggedOk() throws Exception {
    String answer = Base64.getEncoder().encodeToString("\0alice\0secret".getBytes(StandardCharsets.US_ASCII));
    List<String> wrong = Collections.synchronizedList(new ArrayList<>());
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      clients.add(new Thread(() -> {
        for (int i = 0; i < ROUNDS / 4; i++) {
          try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
            imap.send("a AUTHENTICATE PLAIN");
            List<String> lines = new ArrayList<>(List.of(imap.readResponse()));
            imap.send(answer);
            lines.addAll(answeredLines(imap, "a"));
            if (!lines.equals(List.of("+ ", "a OK AUTHENTICATE completed."))) {
              wrong.add(lines.toString());
            }
          } catch (Exception e) {
            wrong.add(e.toString());
          }
        }
      }));
    }
    clients.forEach(Thread::start);
    for (Thread t : clients) {
      t.join();
    }
    assertEquals(List.of(), wrong.subList(0, Math.min(5, wrong.size())), wrong.size() + " of " + ROUNDS + " logins");
  }
}
