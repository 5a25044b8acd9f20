package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full file system (a small tmpfs under the mail root, filled up): APPEND and COPY answer Dovecot's
 * {@code NO [OVERQUOTA] Not enough disk quota}, leave no partial message in tmp/ and take no UID (a MOVE, a rename,
 * needs no room for the message and is done): once there is room
 * again, the next APPEND gets the UID it would have had. Before, James answered {@code NO APPEND failed. Generic
 * failure during processing} (and COPY/MOVE the same), CREATE {@code NO CREATE processing failed.} Skipped where a tmpfs cannot be mounted (needs root).
 */
class DiskFullIT {
  private static final String FULL = "NO [OVERQUOTA] Not enough disk quota";

  @TempDir static Path dir;
  private static Path mail;
  private static boolean mounted;
  private static TestDovetail dovetail;
  private static MailStore store;

  @BeforeAll
  static void start() throws Exception {
    mail = Files.createDirectories(dir.resolve("mail"));
    mounted = run("mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", mail.toString());
    assumeTrue(mounted, "a small tmpfs cannot be mounted here (needs root): no full file system to test on");
    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").user("bob", "{PLAIN}secret").start();
    store = dovetail.store("alice");
    store.open("INBOX").append(MessageMeta.next(Instant.parse("2024-05-06T07:08:09Z"), Flags.NONE),
        new ByteArrayInputStream("Subject: one\r\n\r\none\r\n".getBytes(StandardCharsets.US_ASCII)));
    store.create("Other");
  }

  @AfterAll
  static void stop() throws Exception {
    if (dovetail != null) {
      dovetail.close();
    }
    if (mounted && !run("umount", mail.toString())) {
      run("umount", "-l", mail.toString());
    }
  }

  private static boolean run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
  }

  /** Writes one file until the file system has no room left; returns it. */
  private static Path fill() throws IOException {
    Path filler = mail.resolve("filler");
    byte[] chunk = new byte[16 * 1024];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(chunk);
        out.flush();
      }
    } catch (IOException full) {
      assertTrue(full.getMessage().contains("No space left on device"), full.toString());
    }
    return filler;
  }

  private static String tagless(List<String> reply) {
    String last = RawImap.last(reply);
    return last.substring(last.indexOf(' ') + 1);
  }

  private static long filesIn(Path tmp) throws IOException {
    try (Stream<Path> files = Files.list(tmp)) {
      return files.count();
    }
  }

  @Test
  void appendCopyAndMoveOnAFullDiskAnswerOverquotaAndLeaveNothingBehind() throws Exception {
    byte[] big = ("Subject: big\r\n\r\n" + "x".repeat(64 * 1024) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    Path inboxTmp = store.open("INBOX").dovetailFile("expunged").resolveSibling("tmp");
    Path otherTmp = store.open("Other").dovetailFile("expunged").resolveSibling("tmp");
    try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
      assertTrue(RawImap.last(imap.command("LOGIN alice secret")).contains(" OK "));
      assertEquals("OK", tagless(imap.command("EXAMINE Other")).split(" ")[0]);
      assertEquals("OK", tagless(imap.command("SELECT INBOX")).split(" ")[0]);
      Path filler = fill();
      try {
        assertEquals(FULL, tagless(imap.append("INBOX", "()", big)));
        assertEquals(FULL, tagless(imap.command("COPY 1 Other")));
        // A MOVE renames the message's file (W9): it needs no room for the message, and is done, as Dovecot's
        // hard-linking MOVE; the source's record left without its file waits for room, read as expunged meanwhile.
        List<String> moved = imap.command("MOVE 1 Other");
        assertTrue(tagless(moved).startsWith("OK "), moved.toString());
        assertEquals(FULL, tagless(imap.command("CREATE New")), "CREATE too (it said CREATE processing failed.)");
        assertEquals(List.of(0L, 0L), List.of(filesIn(inboxTmp), filesIn(otherTmp)), "no partial message in tmp/");
        assertEquals(List.of(0, 1), List.of(store.open("INBOX").messages().size(), store.open("Other").messages().size()));
      } finally {
        Files.delete(filler);
      }
      List<String> appended = imap.append("INBOX", "()", big);
      assertTrue(tagless(appended).startsWith("OK [APPENDUID "), appended.toString());
      assertEquals("2]", tagless(appended).split(" ")[3], "the failed APPEND took no UID: " + appended);
    }
  }

  /**
   * On a full disk mail can still be deleted, the way out of it: STORE \Deleted, EXPUNGE, and POP3's DELE and QUIT
   * work, as in Dovecot (walk-through 11, W2: all were NO [OVERQUOTA] / -ERR, because taking the folder's lock wrote
   * its owner into a new file).
   */
  @Test
  void mailCanBeDeletedOnAFullDisk() throws Exception {
    Mailbox deletes = store.create("Deletes");
    MailStore bobs = dovetail.store("bob");
    for (int i = 1; i <= 2; i++) {
      byte[] body = ("Subject: " + i + "\r\n\r\n" + "x".repeat(8 * 1024) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      deletes.append(MessageMeta.next(Instant.parse("2024-05-06T07:08:09Z"), Flags.NONE), new ByteArrayInputStream(body));
      bobs.open("INBOX").append(MessageMeta.next(Instant.parse("2024-05-06T07:08:09Z"), Flags.NONE),
          new ByteArrayInputStream(body));
    }
    try (RawImap imap = RawImap.connect(dovetail.imapPort());
        Socket pop3 = new Socket(InetAddress.getLoopbackAddress(), dovetail.pop3Port())) {
      assertTrue(RawImap.last(imap.command("LOGIN alice secret")).contains(" OK "));
      assertEquals("OK", tagless(imap.command("SELECT Deletes")).split(" ")[0]);
      pop3.setSoTimeout(30_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(pop3.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = pop3.getOutputStream();
      List<String> pop3Answers = new ArrayList<>(List.of(in.readLine()));
      for (String command : List.of("USER bob", "PASS secret")) {
        out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        pop3Answers.add(in.readLine());
      }
      Path filler = fill();
      try {
        assertEquals("OK", tagless(imap.command("STORE 1 +FLAGS (\\Deleted)")).split(" ")[0]);
        List<String> expunged = imap.command("EXPUNGE");
        assertTrue(expunged.contains("* 1 EXPUNGE") && tagless(expunged).startsWith("OK"), expunged.toString());
        for (String command : List.of("DELE 1", "QUIT")) {
          out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
          pop3Answers.add(in.readLine());
        }
      } finally {
        Files.delete(filler);
      }
      assertTrue(pop3Answers.stream().allMatch(a -> a != null && a.startsWith("+OK")), pop3Answers.toString());
    }
    assertEquals(1, store.open("Deletes").messages().size());
    assertEquals(1, bobs.open("INBOX").messages().size());
  }
}
