package dovetail.migrator.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.dovecot.DovecotServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A login for a client sends the client's address before LOGIN (ID, Dovecot's x- fields); real Dovecot 2.3 that
 * trusts 127.0.0.1 logs that address, port and session instead of the connection's. Skipped without Dovecot.
 */
class ForwardedClientDovecotIT {
  @TempDir Path dir;

  @BeforeEach
  void needsDovecot() {
    DovecotServer.assumeInstalled();
  }

  @Test
  void aTrustingDovecotLogsTheForwardedClientAndAPlainLoginAsItIs() throws Exception {
    try (DovecotFixture legacy = DovecotFixture.start(dir, "login_trusted_networks = 127.0.0.1\n"
        + "login_log_format_elements = user=<%u> rip=%r lip=%l rport=%{rport} lport=%{lport} session=<%{session}>")) {
      LegacyImapSource source = LegacyImapSource.create(LegacyImapEndpoint.builder(legacy.host()).port(legacy.port())
          .password(legacy.password()).build(), FetchLimits.defaults());
      ForwardedClient client = new ForwardedClient(address("192.0.2.7", 40123), address("198.51.100.1", 143),
          "dv-7Hq2x");
      try (LegacyImapSession session = source.open("alice", client)) {
        assertTrue(session.listFolders().stream().anyMatch(f -> f.legacyName().equals("INBOX")), "logged in");
      }
      try (LegacyImapSession session = source.open("alice")) {
        session.listFolders();
      }
      List<String> lines = awaitLogins(legacy.dovecot(), 2);
      assertTrue(lines.get(0).contains("user=<alice>, rip=192.0.2.7, lip=198.51.100.1, rport=40123, lport=143, "
          + "session=<dv-7Hq2x>"), lines.get(0));
      assertTrue(lines.get(1).contains("user=<alice>, rip=127.0.0.1, lip=127.0.0.1,"), lines.get(1));
      assertEquals(List.of(), legacy.dovecot().logProblems());
    }
  }

  private static InetSocketAddress address(String ip, int port) throws Exception {
    return new InetSocketAddress(InetAddress.getByName(ip), port);
  }

  /** Dovecot writes its login line when it hands the connection on, possibly after answering. */
  private static List<String> awaitLogins(DovecotServer dovecot, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      List<String> lines = dovecot.log().lines().filter(l -> l.contains("imap-login: Info: Login: ")).toList();
      if (lines.size() >= count || System.nanoTime() > deadline) {
        assertEquals(count, lines.size(), dovecot.log());
        return lines;
      }
      Thread.sleep(50);
    }
  }
}
