package dovetail.proxy.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.dovecot.DovecotServer;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * passdb = legacy checks a password by logging in to the legacy server; with the client's address sent before that
 * login (IMAP ID, as Dovecot's own proxies send it), a legacy Dovecot that trusts Dovetail
 * ({@code login_trusted_networks}) logs the client's address and applies its auth penalty to it, not to Dovetail's.
 * Real Dovecot 2.3 as the legacy server; Jakarta Mail as the client, bound to 127.0.0.2 (Dovetail and Dovecot listen
 * on 127.0.0.1). Skipped without Dovecot.
 */
class LegacyClientAddressDovecotIT {
  private static final String CLIENT_IP = "127.0.0.2";
  /** Dovecot's login line with the ports too, so that x-originating-port and x-connected-port show. */
  private static final String LOG_FORMAT = "login_log_format_elements = user=<%u> method=%m rip=%r lip=%l "
      + "rport=%{rport} lport=%{lport} session=<%{session}>";
  private static final String TRUSTING = "login_trusted_networks = 127.0.0.1\n" + LOG_FORMAT;

  @TempDir Path dir;

  @BeforeEach
  void needsDovecot() {
    DovecotServer.assumeInstalled();
  }

  private DovecotServer legacy(String extraConfig) {
    return DovecotServer.builder(dir.resolve("legacy")).user("alice", "Alice-Pass-1").user("bob", "Bob-Pass-2")
        .user("carol", "Carol-Pass-3")
        .autoCreateSpecialUse(false).extraConfig(extraConfig).start();
  }

  private TestDovetail.Builder dovetail(DovecotServer legacy) {
    return TestDovetail.builder(dir.resolve("dovetail")).legacyPassdb(legacy.imapPort()).setting("sweeper = no");
  }

  @Test
  void aTrustingLegacyServerSeesTheClientsAddressAndPortOfImapLoginAuthenticateAndPop3Logins() throws Exception {
    try (DovecotServer legacy = legacy(TRUSTING); TestDovetail dovetail = dovetail(legacy).start()) {
      int imapClientPort = freePort();
      login("imap", dovetail.imapPort(), imapClientPort, "alice", "Alice-Pass-1");
      int pop3ClientPort = freePort();
      login("pop3", dovetail.pop3Port(), pop3ClientPort, "bob", "Bob-Pass-2");
      int authenticatePort = freePort();
      login("imap", dovetail.imapPort(), CLIENT_IP, authenticatePort, "carol", "Carol-Pass-3", "PLAIN");

      awaitLoginLine(legacy, "alice", "rip=" + CLIENT_IP + ", lip=127.0.0.1, rport=" + imapClientPort + ", lport="
          + dovetail.imapPort() + ",");
      awaitLoginLine(legacy, "bob", "rip=" + CLIENT_IP + ", lip=127.0.0.1, rport=" + pop3ClientPort + ", lport="
          + dovetail.pop3Port() + ",");
      awaitLoginLine(legacy, "carol", "rip=" + CLIENT_IP + ", lip=127.0.0.1, rport=" + authenticatePort + ", lport="
          + dovetail.imapPort() + ",");
      assertEquals(List.of(), legacy.logProblems());
    }
  }

  @Test
  void proxyNotTrustedSendsNoAddress() throws Exception {
    try (DovecotServer legacy = legacy(TRUSTING);
         TestDovetail dovetail = dovetail(legacy).setting("proxy_not_trusted = yes").start()) {
      login("imap", dovetail.imapPort(), freePort(), "alice", "Alice-Pass-1");
      awaitLoginLine(legacy, "alice", "rip=127.0.0.1,");
      assertTrue(loginLines(legacy, "alice").stream().allMatch(l -> l.contains("rip=127.0.0.1,")), legacy.log());
    }
  }

  @Test
  void aLegacyServerThatDoesNotTrustDovetailIgnoresTheAddressAndLogsIn() throws Exception {
    try (DovecotServer legacy = legacy(LOG_FORMAT); TestDovetail dovetail = dovetail(legacy).start()) {
      login("imap", dovetail.imapPort(), freePort(), "alice", "Alice-Pass-1");
      awaitLoginLine(legacy, "alice", "rip=127.0.0.1,");
      assertTrue(loginLines(legacy, "alice").stream().allMatch(l -> l.contains("rip=127.0.0.1,")), legacy.log());
      assertEquals(List.of(), legacy.logProblems());
    }
  }

  /**
   * Dovecot delays the next login from an address after a failed one (2 s after the first). Here the wrong password
   * comes from 127.0.0.2: another user's login from 127.0.0.1 right after is not delayed, a login from 127.0.0.2 is.
   */
  @Test
  void aWrongPasswordDelaysOnlyLoginsFromTheSameClientAddressAtTheLegacyServer() throws Exception {
    try (DovecotServer legacy = legacy(TRUSTING); TestDovetail dovetail = dovetail(legacy).start()) {
      assertThrows(AuthenticationFailedException.class,
          () -> login("imap", dovetail.imapPort(), freePort(), "alice", "Wrong-Guess-9"));

      long start = System.nanoTime();
      login("imap", dovetail.imapPort(), "127.0.0.1", freePort("127.0.0.1"), "bob", "Bob-Pass-2");
      Duration other = Duration.ofNanos(System.nanoTime() - start);

      start = System.nanoTime();
      login("imap", dovetail.imapPort(), freePort(), "alice", "Alice-Pass-1");
      Duration same = Duration.ofNanos(System.nanoTime() - start);
      assertTrue(same.compareTo(Duration.ofMillis(2000)) >= 0, "alice from 127.0.0.2 took " + same);
      // Relative, not a bound on bob's own time: a busy machine slows both logins alike, not by Dovecot's 2 s.
      assertTrue(same.minus(other).compareTo(Duration.ofMillis(1000)) >= 0,
          "bob from 127.0.0.1 took " + other + ", alice from 127.0.0.2 " + same);
    }
  }

  private static void login(String protocol, int port, int localPort, String user, String password)
      throws MessagingException {
    login(protocol, port, CLIENT_IP, localPort, user, password, "LOGIN");
  }

  private static void login(String protocol, int port, String localIp, int localPort, String user, String password)
      throws MessagingException {
    login(protocol, port, localIp, localPort, user, password, "LOGIN");
  }

  /**
   * A Jakarta Mail login from {@code localIp:localPort}, then LOGOUT / QUIT: IMAP LOGIN or AUTHENTICATE PLAIN
   * ({@code mechanism}), POP3 USER/PASS.
   */
  private static void login(String protocol, int port, String localIp, int localPort, String user, String password,
      String mechanism) throws MessagingException {
    Properties p = new Properties();
    String prefix = "mail." + protocol + ".";
    p.setProperty(prefix + "host", "127.0.0.1");
    p.setProperty(prefix + "port", Integer.toString(port));
    p.setProperty(prefix + "localaddress", localIp);
    p.setProperty(prefix + "localport", Integer.toString(localPort));
    p.setProperty(prefix + "connectiontimeout", "10000");
    p.setProperty(prefix + "timeout", "20000");
    p.setProperty(prefix + "auth.mechanisms", mechanism);
    Store store = Session.getInstance(p).getStore(protocol);
    store.connect(user, password);
    store.close();
  }

  private static int freePort() throws IOException {
    return freePort(CLIENT_IP);
  }

  /** A port free on {@code ip} now, so that the test knows the client's port before it connects. */
  private static int freePort(String ip) throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(ip), 0));
      return s.getLocalPort();
    }
  }

  /** Waits for Dovecot's login line of {@code user} with {@code text}: Dovecot may write it after answering. */
  private static void awaitLoginLine(DovecotServer legacy, String user, String text) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (loginLines(legacy, user).stream().noneMatch(l -> l.contains(text))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no login line of " + user + " with " + text + " in:\n" + legacy.log());
      }
      Thread.sleep(50);
    }
  }

  /** Dovecot's successful login lines for {@code user}. */
  private static List<String> loginLines(DovecotServer legacy, String user) {
    Pattern login = Pattern.compile("-login: Info: Login: user=<" + Pattern.quote(user) + ">");
    return legacy.log().lines().filter(l -> login.matcher(l).find()).toList();
  }
}
