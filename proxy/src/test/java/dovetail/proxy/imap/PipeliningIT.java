package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.SystemFlag;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
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
 * Pipelined commands (RFC 3501 §5.5), with synchronizing literals and LITERAL+ (RFC 7888): each command is
 * answered once, in order, no literal byte becomes a command, and a command is judged against the state that the
 * commands before it lead to (see ImapFrameDecoder). The first tests are the transcripts with which James 3.8.1
 * failed: it re-ran a FETCH after a pipelined LITERAL+ APPEND, and read a second APPEND's literal as commands.
 */
class PipeliningIT {
  @TempDir static Path dir;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
    Mailbox inbox = dovetail.store("alice").create("INBOX", 10, 1);
    for (int i = 0; i < 3; i++) {
      inbox.append(MessageMeta.next(Instant.now(), i == 0 ? Flags.of(SystemFlag.DELETED) : Flags.NONE),
          new java.io.ByteArrayInputStream(("Subject: " + i + "\r\n\r\nx\r\n").getBytes(StandardCharsets.US_ASCII)));
    }
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  @Test
  void literalPlusIsAdvertised() throws Exception {
    try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
      String caps = imap.command("CAPABILITY").get(0);
      assertTrue((caps + " ").contains(" LITERAL+ "), caps);
    }
  }

  @Test
  void fetchFetchExpungeAndALiteralPlusAppendInOneWriteAreEachAnsweredOnceInOrder() throws Exception {
    String folder = "Pipe1";
    int kept = seed(folder, 4, 1);
    String literal = "From: pipelined@example.org\r\nSubject: p4\r\n\r\np9 LOGOUT\r\n";
    List<String> replies;
    try (PipelineWire w = new PipelineWire(dovetail.imapPort()).loginAndSelect("alice", "secret", folder)) {
      w.send("p1 FETCH 1:* (FLAGS)\r\np2 UID FETCH 1:* (UID)\r\np3 EXPUNGE\r\np4 APPEND " + folder + " {"
          + literal.length() + "+}\r\n" + literal + "\r\np5 FETCH 1:* (FLAGS)\r\n");
      replies = w.untilTagged("p5");
    }
    String all = String.join("\n", replies);
    assertEquals(List.of("p1 OK", "p2 OK", "p3 OK", "p4 OK", "p5 OK"), taggedStatus(replies), all);
    assertEquals(4 + 4 + (kept + 1), replies.stream().filter(l -> l.matches("\\* \\d+ FETCH .*")).count(),
        "p1 and p2 fetch the 4 messages once each, p5 the 3 kept and the appended one once:\n" + all);
    assertEquals(List.of("* 1 EXPUNGE"), replies.stream().filter(l -> l.endsWith(" EXPUNGE")).toList(), all);
    assertEquals(kept + 1, dovetail.store("alice").open(folder).messages().size(), "3 kept + 1 appended");
  }

  @Test
  void twoLiteralPlusAppendsInOneWriteAppendTwoMessagesAndTheirBytesAreNeverCommands() throws Exception {
    String folder = "Pipe2";
    seed(folder, 0, 0);
    String m1 = "From: a@example.org\r\nSubject: one\r\n\r\na1 LOGOUT\r\na2 NOOP\r\n";
    String m2 = "From: b@example.org\r\nSubject: two\r\n\r\n* BYE\r\na3 APPEND " + folder + " {3+}\r\n";
    List<String> replies;
    try (PipelineWire w = new PipelineWire(dovetail.imapPort()).loginAndSelect("alice", "secret", folder)) {
      w.send("a1 APPEND " + folder + " {" + m1.length() + "+}\r\n" + m1 + "\r\na2 APPEND " + folder + " {" + m2.length()
          + "+}\r\n" + m2 + "\r\na3 NOOP\r\n");
      replies = w.untilTagged("a3");
    }
    String all = String.join("\n", replies);
    assertEquals(List.of("a1 OK", "a2 OK", "a3 OK"), taggedStatus(replies), all);
    List<String> bodies = dovetail.store("alice").open(folder).messages().stream().map(m -> read(folder, m)).toList();
    assertEquals(List.of(m1, m2), bodies, "both messages stored byte for byte, once");
  }

  @Test
  void aSynchronizingLiteralIsAskedForOnlyAfterTheCommandsBeforeItAreAnswered() throws Exception {
    String folder = "Pipe3";
    seed(folder, 2, 0);
    String literal = "Subject: sync\r\n\r\ns9 LOGOUT\r\n";
    try (PipelineWire w = new PipelineWire(dovetail.imapPort()).loginAndSelect("alice", "secret", folder)) {
      w.send("s1 FETCH 1:* (FLAGS)\r\ns2 NOOP\r\ns3 APPEND " + folder + " {" + literal.length() + "}\r\n");
      List<String> before = new ArrayList<>();
      String line;
      while (!(line = w.line()).startsWith("+")) {
        before.add(line);
      }
      assertEquals(List.of("s1 OK", "s2 OK"), taggedStatus(before), String.join("\n", before));
      w.send(literal + "\r\ns4 NOOP\r\n");
      List<String> after = w.untilTagged("s4");
      assertEquals(List.of("s3 OK", "s4 OK"), taggedStatus(after), String.join("\n", after));
    }
    assertEquals(3, dovetail.store("alice").open(folder).messages().size());
  }

  @Test
  void aLiteralPlusAppendSplitAcrossManyWritesIsSpooledAndStoredWhole() throws Exception {
    String folder = "Pipe4";
    seed(folder, 0, 0);
    StringBuilder body = new StringBuilder("Subject: big\r\n\r\n");
    for (int i = 0; body.length() < 3 * 1024 * 1024; i++) {
      body.append("b").append(i).append(" APPEND INBOX {5+}\r\n"); // looks like commands, is message text
    }
    byte[] message = body.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] wire = ("b1 APPEND " + folder + " {" + message.length + "+}\r\n" + body + "\r\nb2 NOOP\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    List<String> replies;
    try (PipelineWire w = new PipelineWire(dovetail.imapPort()).loginAndSelect("alice", "secret", folder)) {
      for (int at = 0; at < wire.length; at += 7_777) {
        w.send(java.util.Arrays.copyOfRange(wire, at, Math.min(wire.length, at + 7_777)));
      }
      replies = w.untilTagged("b2");
    }
    assertEquals(List.of("b1 OK", "b2 OK"), taggedStatus(replies), String.join("\n", replies));
    assertEquals(List.of(body.toString()),
        dovetail.store("alice").open(folder).messages().stream().map(m -> read(folder, m)).toList());
  }

  /** Creates a folder with {@code count} messages, the first {@code deleted} of them flagged \Deleted. */
  private static int seed(String folder, int count, int deleted) throws Exception {
    Mailbox box = dovetail.store("alice").create(folder);
    for (int i = 0; i < count; i++) {
      box.append(MessageMeta.next(Instant.now(), i < deleted ? Flags.of(SystemFlag.DELETED) : Flags.NONE),
          new java.io.ByteArrayInputStream(("Subject: " + i + "\r\n\r\nx\r\n").getBytes(StandardCharsets.US_ASCII)));
    }
    return count - deleted;
  }

  private static String read(String folder, dovetail.store.StoredMessage message) {
    try (java.io.InputStream in = dovetail.store("alice").open(folder).openContent(message.uid())) {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** "tag OK", "tag NO", ... for each tagged line, in order. */
  private static List<String> taggedStatus(List<String> lines) {
    return lines.stream().filter(l -> !l.startsWith("*") && !l.startsWith("+"))
        .map(l -> String.join(" ", java.util.Arrays.asList(l.split(" ")).subList(0, 2))).toList();
  }

  @Test
  void pipelinedFetchExpungeAndAppendAreEachAnsweredOnceInOrder() throws Exception {
    try (Socket s = new Socket("127.0.0.1", dovetail.imapPort())) {
      s.setSoTimeout(10_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      OutputStream out = s.getOutputStream();
      in.readLine();
      out.write("a LOGIN alice secret\r\nb SELECT INBOX\r\n".getBytes(StandardCharsets.US_ASCII));
      List<String> lines = new ArrayList<>();
      readUntilTagged(in, "b", lines);
      assertTrue(lines.get(lines.size() - 1).startsWith("b OK"), String.join("\n", lines));
      String literal = "From: pipelined@example.org\r\nSubject: p4\r\n\r\nc1 NOOP\r\n";
      out.write(("p1 FETCH 1:* (FLAGS)\r\np2 UID FETCH 1:* (UID)\r\np3 EXPUNGE\r\np4 APPEND INBOX {"
          + literal.length() + "}\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      List<String> replies = new ArrayList<>();
      String line;
      while (!(line = in.readLine()).startsWith("+")) {
        replies.add(line);
      }
      out.write((literal + "\r\np5 NOOP\r\np6 FETCH 1:* (UID)\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      readUntilTagged(in, "p6", replies);
      List<String> tagged = replies.stream().filter(l -> !l.startsWith("*")).toList();
      assertEquals(List.of("p1 OK", "p2 OK", "p3 OK", "p4 OK", "p5 OK", "p6 OK"),
          tagged.stream().map(l -> l.substring(0, l.indexOf(' ', 3))).toList(), String.join("\n", replies));
      assertTrue(replies.stream().noneMatch(l -> l.contains("BAD") || l.startsWith("c1")),
          "no literal byte was read as a command:\n" + String.join("\n", replies));
      assertEquals(1, replies.stream().filter(l -> l.equals("* 1 EXPUNGE")).count(), String.join("\n", replies));
    }
    assertEquals(3, dovetail.store("alice").open("INBOX").messages().size(), "2 kept + 1 appended");
  }

  @Test
  void aCommandPipelinedAfterAFailedLoginIsStillRefused() throws Exception {
    try (Socket s = new Socket("127.0.0.1", dovetail.imapPort())) {
      s.setSoTimeout(10_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      OutputStream out = s.getOutputStream();
      in.readLine();
      // (No STARTTLS here: James closes a connection that sends anything in the same packet as STARTTLS, its
      // guard against STARTTLS command injection.)
      out.write("a LOGIN alice wrong\r\nb SELECT INBOX\r\nc NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
      List<String> lines = new ArrayList<>();
      readUntilTagged(in, "c", lines);
      List<String> tagged = lines.stream().filter(l -> !l.startsWith("*")).toList();
      assertTrue(tagged.get(0).startsWith("a NO"), tagged.toString());
      assertTrue(tagged.get(1).startsWith("b NO"), "SELECT needs a login: " + tagged);
      assertTrue(tagged.get(2).startsWith("c OK"), tagged.toString());
    }
  }

  private static void readUntilTagged(BufferedReader in, String tag, List<String> into) throws Exception {
    String line;
    while ((line = in.readLine()) != null) {
      into.add(line);
      if (line.startsWith(tag + " ")) {
        return;
      }
    }
  }
}
