package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input gets a protocol-level answer (BAD, NO, or BYE and a closed connection), never a hung or confused
 * session, and the server stays up: after each test a new session logs in and works. Sizes that would need a
 * large heap are refused before any byte is read; LargeLiteralIT proves that with a small heap.
 */
class BadInputIT {
  @TempDir static Path dir;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
    Mailbox inbox = dovetail.store("alice").create("INBOX", 7, 1);
    for (int i = 0; i < 3; i++) {
      inbox.append(MessageMeta.next(Instant.now(), Flags.NONE),
          new ByteArrayInputStream(("Subject: " + i + "\r\n\r\nx\r\n").getBytes(StandardCharsets.US_ASCII)));
    }
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  @AfterEach
  void aNewSessionStillWorks() throws Exception {
    try (PipelineWire w = wire()) {
      w.send("n1 NOOP\r\nn2 FETCH 1:* (UID)\r\n");
      List<String> lines = w.untilTagged("n2");
      assertEquals(List.of("n1 OK", "n2 OK"), tagged(lines), String.join("\n", lines));
    }
    assertEquals(3, dovetail.store("alice").open("INBOX").messages().size(), "no bad input added or removed mail");
  }

  private static PipelineWire wire() throws IOException {
    return new PipelineWire(dovetail.imapPort()).loginAndSelect("alice", "secret", "INBOX");
  }

  @Test
  void malformedCommandsAndUnbalancedParenthesesAreRefusedOneByOneAndTheSessionGoesOn() throws Exception {
    List<String> bad = List.of("b1 FETCH", "b2 FETCH 1 (FLAGS", "b3 FETCH 1 FLAGS)", "b4 STORE 1 +FLAGS (\\Seen",
        "b5 SEARCH (OR SEEN", "b6 SEARCH ((((((((", "b7 SELECT", "b8 FETCH 1 (BODY[HEADER.FIELDS (From)",
        "b9 UID FETCH x:y (FLAGS)", "b10 STORE 1 +FLAGS", "b11 FETCH 1:* (FLAGS)) junk", "b12 SEARCH \"unclosed");
    StringBuilder wire = new StringBuilder();
    bad.forEach(c -> wire.append(c).append("\r\n"));
    wire.append("z NOOP\r\n");
    List<String> lines;
    try (PipelineWire w = wire()) {
      w.send(wire.toString());
      lines = w.untilTagged("z");
    }
    String all = String.join("\n", lines);
    List<String> expected = new ArrayList<>();
    bad.forEach(c -> expected.add(c.substring(0, c.indexOf(' '))));
    expected.add("z");
    assertEquals(expected, tagged(lines).stream().map(t -> t.split(" ")[0]).toList(), "one answer each, in order:\n" + all);
    for (String t : tagged(lines).subList(0, bad.size())) {
      assertTrue(t.endsWith(" BAD") || t.endsWith(" NO"), t + "\n" + all);
    }
    assertEquals("z OK", tagged(lines).get(bad.size()));
  }

  @Test
  void aTwoGigabyteSynchronizingLiteralIsRefusedAtOnceAndTheSessionGoesOn() throws Exception {
    try (PipelineWire w = wire()) {
      w.send("h1 APPEND INBOX {2147483648}\r\n");
      String answer = w.line();
      assertTrue(answer.startsWith("h1 NO [TOOBIG]"), "refused without a continuation request: " + answer);
      w.send("h2 APPEND INBOX {99999999999999999999999999}\r\n");
      assertTrue(w.line().startsWith("h2 NO [TOOBIG]"));
      // Not an APPEND: a literal counts against the command's 1 MiB.
      w.send("h3 LOGIN {3000000}\r\n");
      assertTrue(w.line().startsWith("h3 NO [TOOBIG]"));
      w.send("h4 NOOP\r\n");
      assertEquals(List.of("h4 OK"), tagged(w.untilTagged("h4")));
    }
  }

  @Test
  void aTwoGigabyteNonSynchronizingLiteralEndsTheConnectionWithBye() throws Exception {
    try (PipelineWire w = wire()) {
      w.send("h1 APPEND INBOX {2147483648+}\r\nFrom: x\r\n\r\n" + "y".repeat(100_000));
      String answer = w.line();
      assertTrue(answer.startsWith("* BYE [TOOBIG]"), answer);
      assertTrue(w.closedByServer());
    }
  }

  @Test
  void anOverlongLineEndsTheConnectionWithBye() throws Exception {
    try (PipelineWire w = wire()) {
      w.send("l1 SEARCH " + "X".repeat(70_000) + "\r\n");
      assertTrue(w.line().startsWith("* BYE"));
      assertTrue(w.closedByServer());
    }
  }

  @Test
  void tenThousandPipelinedCommandsAreEachAnsweredInOrder() throws Exception {
    int n = 10_000;
    String[] verbs = {"NOOP", "FETCH 1:* (FLAGS)", "SEARCH ALL", "UID FETCH 1:* (UID)", "STORE 2 +FLAGS (\\Flagged)",
        "CHECK"};
    long heapBefore = usedHeap();
    List<String> tagged = new ArrayList<>();
    try (PipelineWire w = wire()) {
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        StringBuilder chunk = new StringBuilder();
        try {
          for (int i = 0; i < n; i++) {
            chunk.append('t').append(i).append(' ').append(verbs[i % verbs.length]).append("\r\n");
            if (chunk.length() > 16_000 || i == n - 1) {
              w.send(chunk.toString());
              chunk.setLength(0);
            }
          }
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      String line;
      while ((line = w.line()) != null) {
        if (!line.startsWith("*")) {
          tagged.add(line);
        }
        if (line.startsWith("t" + (n - 1) + " ")) {
          break;
        }
      }
      writer.join();
    }
    assertEquals(n, tagged.size());
    for (int i = 0; i < n; i++) {
      assertTrue(tagged.get(i).startsWith("t" + i + " OK"), "answer " + i + ": " + tagged.get(i));
    }
    // Loose: 10,000 commands are not held at once (each is handed on after the one before it is done).
    assertTrue(usedHeap() - heapBefore < 256L * 1024 * 1024, "heap grew by " + (usedHeap() - heapBefore));
  }

  @Test
  void aClientThatVanishesMidLiteralLeavesNoMessage() throws Exception {
    // (That it leaves no temp file is checked in LargeLiteralIT, whose server has a temp dir of its own.)
    try (PipelineWire w = wire()) {
      w.send("v1 APPEND INBOX {50000000+}\r\nSubject: never\r\n\r\n" + "z".repeat(2_000_000));
      w.send("v2 NOOP\r\n"); // literal bytes still, as far as the server knows
    }
    try (PipelineWire w = wire()) {
      w.send("v3 APPEND INBOX {50000000}\r\n");
      assertTrue(w.line().startsWith("+"));
      w.send("Subject: never either\r\n\r\n" + "z".repeat(1_000_000));
    }
  }

  private static long usedHeap() {
    System.gc();
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  /** "tag STATUS" for each tagged line, in order. */
  private static List<String> tagged(List<String> lines) {
    return lines.stream().filter(l -> !l.startsWith("*") && !l.startsWith("+"))
        .map(l -> String.join(" ", List.of(l.split(" ")).subList(0, 2))).toList();
  }
}
