package dovetail.proxy.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.MessageMeta;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and passwords on the POP3 listeners with {@code ssl = required}: STLS on pop3_listen, TLS from the first
 * byte on pop3s_listen, and no USER/PASS before TLS from a remote address (loopback counts as secure, as in
 * Dovecot). pop3_listen is on the wildcard address here so that a client can come from a non-loopback address.
 */
class Pop3TlsIT {
  @TempDir static Path dir;
  private static TestDovetail dovetail;
  private static SSLContext trust;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").user("bob", "{PLAIN}bobs")
        .user("carol", "{PLAIN}carols")
        .masterUser("admin", "{PLAIN}admin-secret").ssl("required")
        .setting("pop3_listen = 0.0.0.0:0").start();
    trust = dovetail.certificates().clientContext();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  @Test
  void capaBeforeLoginOffersStlsUserTopAndUidl() throws Exception {
    try (RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
      assertTrue(pop.greeting.startsWith("+OK"), pop.greeting);
      List<String> capa = pop.multiline("CAPA");
      assertTrue(capa.containsAll(List.of("STLS", "USER", "TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE")),
          capa.toString());
    }
  }

  @Test
  void stlsUpgradesTheConnectionAndThenTheLoginWorks() throws Exception {
    try (RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
      assertTrue(pop.startTls(trust).startsWith("+OK"));
      List<String> capa = pop.multiline("CAPA");
      assertFalse(capa.contains("STLS"), "no second STLS: " + capa);
      assertTrue(pop.command("USER alice").startsWith("+OK"));
      assertTrue(pop.command("PASS secret").startsWith("+OK"));
      assertEquals("+OK 0 0", pop.command("STAT"));
    }
  }

  /**
   * A client that starts its TLS handshake the moment STLS's +OK arrives: its ClientHello must reach TLS, not the
   * POP3 line framer (commands run off the event loop, and James adds TLS only after it wrote the +OK). Each try is
   * a race that the server must never lose; before, it lost about one in ten.
   */
  @Test
  void aClientHelloSentTheMomentStlsIsAnsweredIsTakenAsTls() throws Exception {
    for (int i = 0; i < 40; i++) {
      byte[] clientHello = clientHello();
      try (RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
        assertTrue(pop.command("STLS").startsWith("+OK"));
        pop.sendRaw(clientHello);
        assertEquals(0x16, pop.read(), "try " + i + ": a TLS handshake record (ServerHello), not an alert or nothing");
      }
    }
  }

  /**
   * STARTTLS command injection (CVE-2011-0411): a command sent in plain text in the same packet as STLS must not
   * be run in the TLS session (where it would count as the client's). The server closes the connection.
   */
  @Test
  void aCommandSentWithStlsIsNotTakenIntoTheTlsSession() throws Exception {
    try (dovetail.proxy.auth.LogCapture log = new dovetail.proxy.auth.LogCapture();
        RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
      pop.sendRaw("STLS\r\nUSER alice\r\n".getBytes(StandardCharsets.US_ASCII));
      String reply = pop.line();
      if (reply != null && reply.startsWith("+OK")) {
        // Had the server gone on to TLS, USER alice must not have come with it: PASS would then log in.
        pop.handshake(trust);
        String pass = pop.command("PASS secret");
        assertTrue(pass.startsWith("-ERR"), "USER alice was taken into the TLS session: PASS " + pass);
      }
      for (String l = reply; l != null; l = pop.line()) {
        assertFalse(l.startsWith("+OK"), "a reply to a command sent with STLS: " + l);
      }
      // A client's doing, refused: not an ERROR with a stack trace (walk-through 6, W10).
      assertEquals(List.of(), log.problems());
    }
  }

  /** Commands before STLS in the same packet are answered, in plain text, and STLS then works. */
  @Test
  void commandsBeforeStlsInItsPacketAreAnsweredAndTlsFollows() throws Exception {
    try (RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
      pop.sendRaw("NOOP\r\nSTLS\r\n".getBytes(StandardCharsets.US_ASCII));
      String noop = pop.line();
      assertTrue(noop.startsWith("-ERR"), "NOOP, answered (before login: -ERR): " + noop);
      assertTrue(pop.line().startsWith("+OK"), "STLS");
      pop.handshake(trust);
      assertTrue(pop.command("USER alice").startsWith("+OK"));
      assertTrue(pop.command("PASS secret").startsWith("+OK"));
      assertEquals("+OK 0 0", pop.command("STAT"));
    }
  }

  @Test
  void pop3sSpeaksTlsFromTheFirstByte() throws Exception {
    try (RawPop3 pop = RawPop3.connectTls(dovetail.pop3sPort(), trust)) {
      assertTrue(pop.greeting.startsWith("+OK"), pop.greeting);
      assertTrue(pop.command("USER alice").startsWith("+OK"));
      assertTrue(pop.command("PASS secret").startsWith("+OK"));
    }
  }

  @Test
  void aRemoteClientMayNotSendItsPasswordBeforeTls() throws Exception {
    InetAddress self = nonLoopbackAddress().orElse(null);
    Assumptions.assumeTrue(self != null, "no non-loopback IPv4 address on this host");
    try (RawPop3 pop = RawPop3.connect(self, dovetail.pop3Port(), self)) {
      // Neither is offered before TLS, as by Dovecot's pop3-login (walk-through 6, W10).
      List<String> before = pop.multiline("CAPA");
      assertTrue(before.stream().noneMatch(l -> l.equals("USER") || l.startsWith("SASL")), before.toString());
      assertEquals("-ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.",
          pop.command("USER alice"));
      assertTrue(pop.command("PASS secret").startsWith("-ERR"));
      assertTrue(pop.command("STAT").startsWith("-ERR"), "not logged in");
      assertTrue(pop.startTls(trust).startsWith("+OK"));
      List<String> after = pop.multiline("CAPA");
      assertTrue(after.contains("USER") && after.contains("SASL PLAIN"), after.toString());
      assertTrue(pop.command("USER alice").startsWith("+OK"));
      assertTrue(pop.command("PASS secret").startsWith("+OK"));
    }
  }

  @Test
  void sslRequiredStillAllowsUserAndPassFromLoopback() throws Exception {
    try (RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
      assertTrue(pop.command("USER alice").startsWith("+OK"));
      assertTrue(pop.command("PASS secret").startsWith("+OK"));
    }
  }

  @Test
  void authPlainWithAnInitialResponseOrAfterAContinuation() throws Exception {
    try (RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
      assertTrue(pop.multiline("CAPA").contains("SASL PLAIN"));
      assertEquals("-ERR [AUTH] Authentication failed.", pop.command("AUTH PLAIN " + plain("", "alice", "nope")));
      assertTrue(pop.command("AUTH PLAIN " + plain("", "alice", "secret")).startsWith("+OK"));
      assertTrue(pop.command("STAT").startsWith("+OK"));
    }
    try (RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
      assertEquals("+ ", pop.command("AUTH PLAIN"));
      assertTrue(pop.command(plain("alice", "alice", "secret")).startsWith("+OK"));
    }
    try (RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
      assertEquals("+ ", pop.command("AUTH PLAIN"));
      assertTrue(pop.command("*").startsWith("-ERR"), "the client may cancel");
      assertTrue(pop.command("STAT").startsWith("-ERR"));
    }
  }

  @Test
  void aMasterUserOpensAnotherUsersMaildropButNoUserMay() throws Exception {
    dovetail.store("carol").open("INBOX").append(MessageMeta.next(Instant.EPOCH, Flags.NONE),
        new ByteArrayInputStream("Subject: for carol\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII)));
    String carolStat;
    try (RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
      pop.command("USER carol");
      pop.command("PASS carols");
      carolStat = pop.command("STAT");
    }
    assertNotEquals("+OK 0 0", carolStat);
    try (RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
      assertTrue(pop.command("USER carol*admin").startsWith("+OK"));
      assertTrue(pop.command("PASS admin-secret").startsWith("+OK"));
      assertEquals(carolStat, pop.command("STAT"), "carol's maildrop");
    }
    try (RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
      assertTrue(pop.command("AUTH PLAIN " + plain("carol", "admin", "admin-secret")).startsWith("+OK"));
      assertEquals(carolStat, pop.command("STAT"), "carol's maildrop");
    }
    try (RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
      assertEquals("-ERR [AUTH] Authentication failed.", pop.command("AUTH PLAIN " + plain("carol", "bob", "bobs")));
    }
  }

  /** A TLS client's first record, as a client that has not read anything since would send it. */
  private static byte[] clientHello() throws SSLException {
    SSLEngine engine = trust.createSSLEngine();
    engine.setUseClientMode(true);
    ByteBuffer record = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), record);
    return Arrays.copyOf(record.array(), record.position());
  }

  private static String plain(String authzid, String authcid, String password) {
    return Base64.getEncoder().encodeToString((authzid + "\0" + authcid + "\0" + password)
        .getBytes(StandardCharsets.UTF_8));
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
    for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      Optional<InetAddress> a = nic.inetAddresses().filter(x -> x instanceof Inet4Address).findFirst();
      if (a.isPresent()) {
        return a;
      }
    }
    return Optional.empty();
  }
}
