package dovetail.proxy.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.MailStore;
import dovetail.store.StoredMessage;
import io.netty.channel.epoll.Epoll;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lmtp_listen = unix:PATH}, as Postfix prefers ({@code lmtp:unix:PATH}): Python's smtplib.LMTP and a typed
 * session deliver over it; the socket file has lmtp_socket_mode, replaces a stale one, and goes at shutdown.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LmtpUnixSocketIT {
  @TempDir static Path dir;
  private static Path socket;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Epoll.isAvailable(), "Netty's native epoll transport is not available: " + Epoll.unavailabilityCause());
    socket = dir.resolve("run").resolve("lmtp");
    Files.createDirectories(socket.getParent());
    // A socket file left by a server that died: bound, then closed without removing the file (as kill -9 leaves it).
    try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      stale.bind(UnixDomainSocketAddress.of(socket));
    }
    assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
    dovetail = TestDovetail.builder(dir.resolve("dovetail")).user("alice", "{PLAIN}secret").user("bob", "{PLAIN}secret")
        .setting("lmtp_listen = unix:" + socket).start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  private static String last(String user) throws Exception {
    MailStore store = dovetail.store(user);
    List<StoredMessage> msgs = store.open(MailStore.INBOX).messages();
    try (InputStream in = store.open(MailStore.INBOX).openContent(msgs.get(msgs.size() - 1).uid())) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aStaleSocketFileIsReplacedAndTheDefaultModeIs0660() throws Exception {
    assertEquals(PosixFilePermissions.fromString("rw-rw----"), Files.getPosixFilePermissions(socket));
    try (LmtpClient c = LmtpClient.unix(socket)) {
      assertTrue(c.command("LHLO mta").startsWith("250"));
    }
    try (var entries = Files.list(socket.getParent())) {
      assertEquals(List.of(socket), entries.toList(), "no temporary directory left beside the socket");
    }
  }

  @Test
  void aTypedSessionGetsOneReplyPerRecipientAndNoClientIpInReceived() throws Exception {
    try (LmtpClient c = LmtpClient.unix(socket)) {
      assertTrue(c.command("LHLO mta.example.org").startsWith("250"));
      List<String> r = c.deliver("s@example.org", List.of("alice@example.org", "nosuch@example.org", "bob"),
          "Subject: over the socket\r\n\r\nhello\r\n");
      assertEquals(List.of("250", "250", "550", "250", "354", "250", "250"),
          r.stream().map(l -> l.substring(0, 3)).toList(), r.toString());
    }
    String text = last("alice");
    assertTrue(text.contains("\nReceived: from mta.example.org\n\tby "), text);
    assertTrue(text.endsWith("Subject: over the socket\n\nhello\n"), text);
    assertTrue(last("bob").endsWith("Subject: over the socket\n\nhello\n"));
  }

  @Test
  void pythonSmtplibLmtpDeliversOverTheSocketPath() throws Exception {
    assumeTrue(LmtpDeliveryIT.installed("python3"), "python3 is not installed");
    Path script = dir.resolve("lmtp-unix.py");
    Files.writeString(script, """
        import smtplib, sys
        c = smtplib.LMTP(sys.argv[1])  # a path: smtplib connects to the Unix socket
        print('LHLO', c.ehlo()[0])
        refused = c.sendmail('py@example.org', ['alice', 'bob@example.org'],
                             b'Subject: from python over unix\\r\\n\\r\\nhi\\r\\n')
        print('REFUSED', refused)
        c.quit()
        """);
    Process p = new ProcessBuilder("python3", script.toString(), socket.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertEquals(List.of("LHLO 250", "REFUSED {}"), out.lines().toList());
    assertTrue(last("alice").endsWith("Subject: from python over unix\n\nhi\n"), last("alice"));
    assertTrue(last("bob").endsWith("Subject: from python over unix\n\nhi\n"), last("bob"));
  }

  @Test
  void aConfiguredModeIsUsedALiveSocketIsNotTakenAndTheFileGoesAtShutdown() throws Exception {
    Path other = dir.resolve("run").resolve("lmtp-0600");
    TestDovetail second = TestDovetail.builder(dir.resolve("second")).user("carol", "{PLAIN}secret")
        .setting("lmtp_listen = unix:" + other).setting("lmtp_socket_mode = 0600").start();
    try {
      assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(other));
      try (LmtpClient c = LmtpClient.unix(other)) {
        assertTrue(c.command("LHLO mta").startsWith("250"));
      }
      // A third server on the same path: refused, and the second one keeps its socket.
      Exception e = assertThrows(Exception.class, () -> TestDovetail.builder(dir.resolve("third"))
          .user("dan", "{PLAIN}secret").setting("lmtp_listen = unix:" + other).start().close());
      assertTrue(String.valueOf(e.getMessage()).contains("another server answers on " + other), e.toString());
      try (LmtpClient c = LmtpClient.unix(other)) {
        assertTrue(c.command("NOOP").startsWith("250"));
      }
    } finally {
      second.close();
    }
    assertFalse(Files.exists(other, LinkOption.NOFOLLOW_LINKS), "the socket file is removed at shutdown");
  }
}
