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
 * Pipelined commands (RFC 3501 §5.5) with what Dovetail advertises: no LITERAL+ (see ImapService), so an
 * APPEND's literal waits for "+". Each command is answered once, in order, and no literal byte becomes a command;
 * a command is judged against the state that the commands before it lead to (see PipelinedStateDecoder).
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
  void literalPlusIsNotAdvertised() throws Exception {
    try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
      String caps = imap.command("CAPABILITY").get(0);
      assertFalse(caps.contains("LITERAL+"), caps);
      assertFalse(caps.contains("LITERAL-"), caps);
    }
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
