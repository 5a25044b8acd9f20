package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.ServeChild;
import dovetail.store.MailLocation;
import dovetail.store.MailStore;
import dovetail.store.StoreOptions;
import dovetail.store.maildir.MaildirStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Literals against a server in a child JVM with a 64 MB heap and a temp dir of its own: a 99 MB LITERAL+ APPEND
 * with a command pipelined behind it is spooled to disk, not held in memory; 200 MB and 2 GB literals, over the
 * APPENDLIMIT, are refused before any byte is read; a client that vanishes in the middle of a large literal leaves no temp file; and the server
 * serves a new session after all of it.
 */
class LargeLiteralIT {
  /** Just under the APPENDLIMIT (100,000,000: see FrameLimits), and more than the server's whole heap. */
  private static final long BIG = 99_000_000;

  @TempDir Path dir;

  @Test
  void largeLiteralsStreamAndOversizedOnesAreRefusedWithASmallHeap() throws Exception {
    Files.writeString(dir.resolve("passwd"), "alice:{PLAIN}secret\n");
    Path conf = dir.resolve("dovetail.conf");
    Path spool = Files.createDirectory(dir.resolve("tmp"));
    String location = "maildir:" + dir.resolve("mail") + "/%n/Maildir";
    Files.writeString(conf, "imap_listen = 127.0.0.1:0\npop3_listen =\nlmtp_listen = 127.0.0.1:0\npassdb = passwd-file:" + dir.resolve("passwd")
        + "\nmail_location = " + location + "\nadmin_socket = " + dir.resolve("a.sock") + "\n");
    MailStore store = MaildirStore.forUser(MailLocation.parse(location), "alice", StoreOptions.DEFAULT);

    try (ServeChild server = ServeChild.start(conf, List.of("-Xmx64m", "-Djava.io.tmpdir=" + spool))) {
      int port = server.awaitImapPort(60);
      try (PipelineWire w = new PipelineWire(port).loginAndSelect("alice", "secret", "INBOX")) {
        String head = "Subject: big\r\n\r\n";
        w.send("a1 APPEND INBOX {" + BIG + "+}\r\n" + head);
        byte[] line = ("a2 NOOP" + "y".repeat(1014) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        long written = head.length();
        while (written < BIG) {
          int n = (int) Math.min(line.length, BIG - written);
          w.send(Arrays.copyOf(line, n));
          written += n;
        }
        w.send("\r\na2 NOOP\r\n");
        List<String> replies = w.untilTagged("a2");
        assertTrue(replies.stream().anyMatch(l -> l.startsWith("a1 OK")), String.join("\n", replies));
        assertTrue(replies.get(replies.size() - 1).startsWith("a2 OK"), String.join("\n", replies));

        w.send("a3 APPEND INBOX {209715200}\r\n");
        assertTrue(w.line().startsWith("a3 NO [TOOBIG]"), "200 MB: over the APPENDLIMIT, refused before any byte");
        w.send("a4 APPEND INBOX {2147483648}\r\n");
        assertTrue(w.line().startsWith("a4 NO [TOOBIG]"));
      }
      assertEquals(List.of(BIG), store.open("INBOX").messages().stream().map(m -> m.size()).toList());

      try (PipelineWire w = new PipelineWire(port).loginAndSelect("alice", "secret", "INBOX")) {
        w.send("v1 APPEND INBOX {90000000+}\r\nSubject: never\r\n\r\n");
        byte[] chunk = "z".repeat(1 << 16).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 80; i++) {
          w.send(chunk);
        }
      }
      try (PipelineWire w = new PipelineWire(port).loginAndSelect("alice", "secret", "INBOX")) {
        w.send("h1 APPEND INBOX {2147483648+}\r\nSubject: x\r\n\r\n");
        assertTrue(w.line().startsWith("* BYE [TOOBIG]"));
        assertTrue(w.closedByServer());
      }
      awaitEmpty(spool);
      try (PipelineWire w = new PipelineWire(port).loginAndSelect("alice", "secret", "INBOX")) {
        w.send("n1 NOOP\r\n");
        assertTrue(w.untilTagged("n1").get(0).startsWith("n1 OK"));
      }
      assertTrue(server.isAlive(), "the server is still up");
      assertEquals(1, store.open("INBOX").messages().size(), "the vanished client's message was not stored");
    }
  }

  /** The server deletes a spooled literal when its connection closes; wait for that (polling, with a deadline). */
  private static void awaitEmpty(Path spool) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (true) {
      try (Stream<Path> files = Files.list(spool)) {
        List<Path> left = files.filter(p -> p.getFileName().toString().startsWith("dovetail-literal-")).toList();
        if (left.isEmpty()) {
          return;
        }
        assertFalse(Instant.now().isAfter(deadline), "spooled literals left behind: " + left);
      }
      Thread.sleep(50);
    }
  }
}
