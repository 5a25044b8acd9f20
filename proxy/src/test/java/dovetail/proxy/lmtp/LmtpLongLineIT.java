package dovetail.proxy.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.ServeChild;
import dovetail.proxy.server.TestDovetail;
import dovetail.store.MailLocation;
import dovetail.store.MailStore;
import dovetail.store.StoreOptions;
import dovetail.store.StoredMessage;
import dovetail.store.maildir.MaildirStore;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Lines of any length inside DATA (long base64 or HTML lines in real mail) are stored byte for byte, and a command
 * line longer than Dovecot's limit gets one "500 5.5.2 Line too long", with the session in step afterwards. Before,
 * Netty's 8 KB line framer answered a longer DATA line with "500 Line length exceeded" in the middle of DATA, dropped
 * the line, stored the rest as if it were the message, and its "250 Saved" became the reply to the next command.
 */
class LmtpLongLineIT {
  private static final String HEADER = "Subject: long\r\n\r\n";
  private static final String AFTER = "\r\nend\r\n";

  @TempDir static Path dir;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(dir.resolve("dovetail")).user("alice", "{PLAIN}secret")
        .user("bob", "{PLAIN}secret").start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  private static byte[] repeat(char c, int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) c);
    return b;
  }

  static Stream<Arguments> longLines() {
    return Stream.of(
        Arguments.of("right at the old limit (8192)", repeat('A', 8192)),
        Arguments.of("one past the old limit", repeat('B', 8193)),
        Arguments.of("100 KB", repeat('C', 100 * 1024)),
        Arguments.of("5 MB", repeat('D', 5 * 1024 * 1024)),
        // Dot-stuffed on the wire: only its first dot goes; every later dot is the message's.
        Arguments.of("100 KB of dots", repeat('.', 100 * 1024)),
        // On the wire ".", then the dots, then CRLF: its last piece is ".\r\n", which ends DATA only as a line.
        Arguments.of("dots whose last piece looks like the end of DATA", repeat('.', 2 * LmtpLineFramer.MAX_COMMAND_LINE)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("longLines")
  void aLongLineInDataIsStoredByteForByteForEachRecipient(String name, byte[] line) throws Exception {
    int before = inbox("alice").size();
    try (LmtpClient c = new LmtpClient(dovetail.lmtpPort())) {
      c.command("LHLO mta.example.org");
      assertTrue(c.command("MAIL FROM:<long@example.org>").startsWith("250"));
      assertTrue(c.command("RCPT TO:<alice>").startsWith("250"));
      assertTrue(c.command("RCPT TO:<bob>").startsWith("250"));
      assertTrue(c.command("DATA").startsWith("354"));
      ByteArrayOutputStream wire = new ByteArrayOutputStream();
      wire.writeBytes(HEADER.getBytes(StandardCharsets.US_ASCII));
      if (line[0] == '.') {
        wire.write('.');
      }
      wire.writeBytes(line);
      wire.writeBytes((AFTER + ".\r\n").getBytes(StandardCharsets.US_ASCII));
      c.send(wire.toByteArray());
      assertEquals("250 2.0.0 <alice> Saved", c.reply());
      assertEquals("250 2.0.0 <bob> Saved", c.reply());
      assertEquals("250 2.0.0 OK", c.command("NOOP"), "the session is in step");
    }
    List<StoredMessage> inbox = inbox("alice");
    assertEquals(before + 1, inbox.size());
    byte[] expected = sentAsStored(line);
    for (String user : List.of("alice", "bob")) {
      List<StoredMessage> msgs = inbox(user);
      try (InputStream stored = dovetail.store(user).open(MailStore.INBOX).openContent(msgs.get(msgs.size() - 1).uid())) {
        StoredBody.skipTraceHeaders(stored);
        assertEquals(StoredBody.sha256(new ByteArrayInputStream(expected)), StoredBody.sha256(stored), user);
      }
    }
  }

  /** The message as Dovecot stores it: no dot-stuffing, LF line ends. */
  private static byte[] sentAsStored(byte[] line) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(HEADER.replace("\r\n", "\n").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(line);
    out.writeBytes(AFTER.replace("\r\n", "\n").getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  @Test
  void aCommandLineOverTheLimitGetsOneLineTooLongAndTheSessionGoesOn() throws Exception {
    String atLimit = "NOOP " + "x".repeat(LmtpLineFramer.MAX_COMMAND_LINE - "NOOP \r\n".length());
    String justOver = atLimit + "x";
    String huge = "MAIL FROM:<" + "a".repeat(1024 * 1024) + "@example.org>";
    try (LmtpClient c = new LmtpClient(dovetail.lmtpPort())) {
      c.command("LHLO mta.example.org");
      // Pipelined: one reply for each line, in order.
      c.send((atLimit + "\r\n" + justOver + "\r\nNOOP\r\n" + huge + "\r\nNOOP\r\n").getBytes(StandardCharsets.US_ASCII));
      assertEquals("250 2.0.0 OK", c.reply());
      assertEquals("500 5.5.2 Line too long", c.reply());
      assertEquals("250 2.0.0 OK", c.reply());
      assertEquals("500 5.5.2 Line too long", c.reply());
      assertEquals("250 2.0.0 OK", c.reply());
      List<String> r = c.deliver("s@example.org", List.of("alice"), "Subject: after\r\n\r\nstill here\r\n");
      assertEquals(List.of("250", "250", "354", "250"), r.stream().map(l -> l.substring(0, 3)).toList(), r.toString());
    }
  }

  /**
   * A single line larger than the server's heap: it can only be stored if it passes through in pieces, never held
   * whole (a String or a byte array of the line).
   */
  @Test
  void aLineLargerThanTheHeapIsStoredWithA64MbHeap(@TempDir Path own) throws Exception {
    long length = 96L * 1024 * 1024;
    Files.writeString(own.resolve("passwd"), "alice:{PLAIN}secret\n");
    Path conf = own.resolve("dovetail.conf");
    String location = "maildir:" + own.resolve("mail") + "/%n/Maildir";
    Files.writeString(conf, "imap_listen =\npop3_listen =\nlmtp_listen = 127.0.0.1:0\npassdb = passwd-file:"
        + own.resolve("passwd") + "\nmail_location = " + location + "\nadmin_socket = " + own.resolve("a.sock") + "\n");
    try (ServeChild server = ServeChild.start(conf, List.of("-Xmx64m"));
        LmtpClient c = new LmtpClient(server.awaitLmtpPort(60))) {
      c.command("LHLO mta.example.org");
      assertTrue(c.command("MAIL FROM:<huge@example.org>").startsWith("250"));
      assertTrue(c.command("RCPT TO:<alice>").startsWith("250"));
      assertTrue(c.command("DATA").startsWith("354"));
      String reply;
      try (InputStream message = new BufferedInputStream(oneLineMessage(length), 1 << 16)) {
        reply = c.data(message);
      }
      assertEquals("250 2.0.0 <alice> Saved", reply, server.tail(30));
      assertTrue(server.lines().stream().noneMatch(l -> l.contains("OutOfMemoryError")), server.tail(30));
      assertEquals("250 2.0.0 OK", c.command("NOOP"));
    }
    MailStore store = MaildirStore.forUser(MailLocation.parse(location), "alice", StoreOptions.DEFAULT);
    List<StoredMessage> inbox = store.open(MailStore.INBOX).messages();
    assertEquals(1, inbox.size());
    try (InputStream stored = new BufferedInputStream(store.open(MailStore.INBOX).openContent(inbox.get(0).uid()))) {
      StoredBody.skipTraceHeaders(stored);
      assertEquals(StoredBody.sha256(oneLineMessage(length)), StoredBody.sha256(stored));
    }
  }

  /** "Subject: huge", an empty line, then one line of {@code length} 'z' (LF line ends), generated as it is read. */
  private static InputStream oneLineMessage(long length) {
    InputStream line = new InputStream() {
      private long left = length;

      @Override
      public int read() {
        return left-- > 0 ? 'z' : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left <= 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        Arrays.fill(b, off, off + n, (byte) 'z');
        left -= n;
        return n;
      }
    };
    return new SequenceInputStream(new SequenceInputStream(
        new ByteArrayInputStream("Subject: huge\n\n".getBytes(StandardCharsets.US_ASCII)), line),
        new ByteArrayInputStream("\n".getBytes(StandardCharsets.US_ASCII)));
  }

  private static List<StoredMessage> inbox(String user) {
    MailStore store = dovetail.store(user);
    return store.exists(MailStore.INBOX) ? store.open(MailStore.INBOX).messages() : List.of();
  }
}
