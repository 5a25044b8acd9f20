package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.ServeChild;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Before login a client may not make the server hold or spool a large literal (FrameLimits.beforeLogin): a
 * synchronizing one is refused without a continuation, a non-synchronizing one ends the connection before its
 * bytes are read. The server runs in a child JVM with a temp dir of its own, so that its spool can be watched.
 */
class PreLoginLiteralIT {
  @TempDir static Path dir;
  private static Path spool;
  private static ServeChild server;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    Files.writeString(dir.resolve("passwd"), "alice:{PLAIN}secret\n");
    Path conf = dir.resolve("dovetail.conf");
    spool = Files.createDirectory(dir.resolve("tmp"));
    Files.writeString(conf, "imap_listen = 127.0.0.1:0\npop3_listen =\nlmtp_listen = 127.0.0.1:0\npassdb = passwd-file:"
        + dir.resolve("passwd") + "\nmail_location = maildir:" + dir.resolve("mail") + "/%n/Maildir\nadmin_socket = "
        + dir.resolve("a.sock") + "\n");
    server = ServeChild.start(conf, List.of("-Xmx128m", "-Djava.io.tmpdir=" + spool));
    port = server.awaitImapPort(60);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aLargeLiteralPlusBeforeLoginEndsTheConnectionBeforeItsBytesAreSpooled() throws Exception {
    long size = 50_000_000;
    try (PipelineWire w = new PipelineWire(port)) {
      String head = "Subject: x\r\n\r\n";
      w.send("a APPEND INBOX {" + size + "+}\r\n" + head);
      AtomicReference<String> spooled = new AtomicReference<>();
      CompletableFuture<Long> sender = CompletableFuture.supplyAsync(() -> {
        byte[] chunk = "z".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
        long sent = head.length();
        try {
          while (sent < size) {
            int n = (int) Math.min(chunk.length, size - sent);
            w.send(Arrays.copyOf(chunk, n));
            sent += n;
            String file = spooledLiteral();
            if (file != null) {
              spooled.compareAndSet(null, file);
            }
          }
          w.send("\r\n");
        } catch (IOException e) {
          // the server closed the connection: expected once it has refused the literal
        }
        return sent;
      });
      String reply = w.line();
      assertTrue(reply != null && reply.startsWith("* BYE [TOOBIG]"), "refused at once: " + reply);
      assertTrue(w.closedByServer());
      sender.get(60, TimeUnit.SECONDS);
      assertNull(spooled.get(), "nothing was spooled before login");
      assertNull(spooledLiteral());
    }
  }

  @Test
  void aLargeSynchronizingLiteralBeforeLoginIsRefusedWithoutAContinuation() throws Exception {
    try (PipelineWire w = new PipelineWire(port)) {
      w.send("a LOGIN {1000000}\r\n");
      String reply = w.line();
      assertTrue(reply.startsWith("a NO [TOOBIG]") || reply.startsWith("a BAD"), "no '+', a tagged refusal: " + reply);
      w.send("b LOGIN alice secret\r\n");
      assertTrue(w.untilTagged("b").get(0).startsWith("b OK"), "the connection goes on");
    }
  }

  @Test
  void aLoginWithSmallLiteralsStillWorks() throws Exception {
    try (PipelineWire w = new PipelineWire(port)) {
      w.send("a LOGIN {5}\r\n");
      assertTrue(w.line().startsWith("+"));
      w.send("alice {6}\r\n");
      assertTrue(w.line().startsWith("+"));
      w.send("secret\r\n");
      List<String> replies = w.untilTagged("a");
      assertTrue(replies.get(replies.size() - 1).startsWith("a OK"), replies.toString());
    }
  }

  @Test
  void afterLoginA1MegabyteAppendStillWorks() throws Exception {
    byte[] message = ("Subject: big\r\n\r\n" + "m".repeat(1 << 20)).getBytes(StandardCharsets.US_ASCII);
    try (PipelineWire w = new PipelineWire(port).loginAndSelect("alice", "secret", "INBOX")) {
      w.send("a APPEND INBOX {" + message.length + "}\r\n");
      assertTrue(w.line().startsWith("+"));
      w.send(message);
      w.send("\r\nb STATUS INBOX (MESSAGES)\r\n");
      List<String> replies = w.untilTagged("b");
      assertTrue(replies.stream().anyMatch(l -> l.startsWith("a OK")), replies.toString());
      assertTrue(replies.stream().anyMatch(l -> l.startsWith("* STATUS \"INBOX\" (MESSAGES ")), replies.toString());
    }
    try (PipelineWire w = new PipelineWire(port).loginAndSelect("alice", "secret", "INBOX")) {
      w.send("f FETCH * RFC822.SIZE\r\n");
      assertEquals(1, w.untilTagged("f").stream().filter(l -> l.contains("RFC822.SIZE " + message.length)).count());
    }
  }

  /** A spooled literal's name in the server's temp dir, or null. */
  private static String spooledLiteral() {
    try (Stream<Path> files = Files.list(spool)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("dovetail-literal-")).findFirst()
          .orElse(null);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
