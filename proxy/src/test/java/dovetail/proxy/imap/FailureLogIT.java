package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.auth.LogCapture;
import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.MessageMeta;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the log shows an operator: a client's mistakes (unknown command, bad syntax, no such folder) are the client's
 * business and log at DEBUG, so no WARN or ERROR line; a real failure (the store cannot write) is one WARN line
 * saying what failed, without a stack trace. Before, James logged many of the mistakes at ERROR or WARN with a stack
 * trace, and a store failure as an ERROR with two screens of stack.
 */
class FailureLogIT {
  private static final byte[] MESSAGE = "Subject: m\r\n\r\nm\r\n".getBytes(StandardCharsets.US_ASCII);

  @TempDir static Path dir;
  private static TestDovetail dovetail;
  private static MailStore store;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
    store = dovetail.store("alice");
    store.open("INBOX").append(MessageMeta.next(Instant.parse("2024-05-06T07:08:09Z"), Flags.NONE),
        new ByteArrayInputStream(MESSAGE));
    store.create("Other");
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  private static RawImap login() throws IOException {
    RawImap imap = RawImap.connect(dovetail.imapPort());
    assertTrue(RawImap.last(imap.command("LOGIN alice secret")).contains(" OK "));
    return imap;
  }

  /**
   * The commands, each answered, then a NOOP: a connection's commands run one after another, so every line the
   * earlier ones log is in before the NOOP's answer.
   */
  private static List<String> run(RawImap imap, List<String> commands) throws IOException {
    List<String> answers = new ArrayList<>();
    for (String command : commands) {
      answers.add(command + " -> " + RawImap.last(imap.command(command)));
    }
    assertTrue(RawImap.last(imap.command("NOOP")).contains(" OK "));
    return answers;
  }

  @Test
  void aClientsMistakesLogNothingAboveDebug() throws Exception {
    try (RawImap imap = login(); LogCapture logs = new LogCapture()) {
      List<String> answers = run(imap, List.of(
          "FROBNICATE now", "FETCH 1 (FLAGS)", "SELECT", "SELECT Nope", "EXAMINE Nope", "STATUS Nope (MESSAGES)",
          "DELETE Nope", "RENAME Nope Elsewhere", "CREATE INBOX", "CREATE Other", "SUBSCRIBE \"&Jjo\"",
          "SELECT INBOX", "FETCH 1:* (FLAGS", "FETCH 7 (BODY[)", "UID FETCH x (FLAGS)", "STORE 1 +FLAGS (\\Bogus",
          "COPY 1 Nope", "MOVE 5 Nope", "MOVE 1 Nope", "SEARCH NONSENSE", "UID EXPUNGE", "ENABLE"));
      answers.add(RawImap.last(imap.append("Nope", "()", MESSAGE)));
      answers.add(RawImap.last(imap.append("INBOX", "(\\Bogus)", MESSAGE)));
      assertTrue(RawImap.last(imap.command("NOOP")).contains(" OK "));
      for (String answer : answers) {
        assertTrue(answer.contains(" NO ") || answer.contains(" BAD ") || answer.contains(" OK "), answer);
      }
      assertEquals(List.of(), logs.problems(), String.join("\n", answers));
    }
  }

  @Test
  void aStoreFailureIsOneWarnLineWithoutAStackTrace() throws Exception {
    Path tmp = store.open("Other").dovetailFile("expunged").resolveSibling("tmp");
    Path immutable = Chattr.immutable(tmp); // no message can be written there, not even by root
    try (RawImap imap = login(); LogCapture logs = new LogCapture()) {
      assertTrue(RawImap.last(imap.append("Other", "()", MESSAGE)).contains(" NO "));
      assertTrue(RawImap.last(imap.command("NOOP")).contains(" OK "));
      List<String> problems = logs.problems();
      assertEquals(1, problems.size(), String.join("\n", problems));
      assertTrue(problems.get(0).startsWith("WARN ") && !problems.get(0).contains("stack trace")
          && problems.get(0).contains("tmp"), problems.get(0));
    } finally {
      Chattr.mutable(immutable);
    }
  }
}
