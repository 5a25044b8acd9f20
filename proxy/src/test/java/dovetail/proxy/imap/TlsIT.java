package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** STARTTLS on imap_listen and TLS from the first byte on imaps_listen, with the PEM pair from ssl_cert/ssl_key. */
class TlsIT {
  @TempDir static Path dir;
  private static TestDovetail dovetail;
  private static SSLContext trust;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").ssl("required").start();
    trust = dovetail.certificates().clientContext();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  @Test
  void startTlsIsOfferedAndWorks() throws Exception {
    try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
      String caps = imap.command("CAPABILITY").get(0);
      assertTrue(caps.contains(" STARTTLS"), caps);
      List<String> reply = imap.startTls(trust);
      assertTrue(RawImap.last(reply).contains("OK"), reply.toString());
      String after = imap.command("CAPABILITY").get(0);
      assertFalse(after.contains("STARTTLS"), "no second STARTTLS: " + after);
      assertTrue(RawImap.last(imap.command("LOGIN alice secret")).contains("OK"));
      assertTrue(RawImap.last(imap.command("SELECT INBOX")).contains("OK"));
    }
  }

  @Test
  void imapsSpeaksTlsFromTheFirstByte() throws Exception {
    try (RawImap imap = RawImap.connectTls(dovetail.imapsPort(), trust)) {
      assertTrue(imap.greeting.startsWith("* OK"), imap.greeting);
      assertTrue(RawImap.last(imap.command("LOGIN alice secret")).contains("OK"));
    }
  }

  /**
   * Only key exchanges with forward secrecy, as Dovecot's default ssl_cipher_list (!kRSA) allows: a client offering
   * only static RSA is refused on imaps and pop3s, a default client gets ECDHE or TLS 1.3 (walk-through 6, W5).
   */
  @Test
  void onlyCipherSuitesWithForwardSecrecyAreAccepted() throws Exception {
    for (int port : new int[] {dovetail.imapsPort(), dovetail.pop3sPort()}) {
      try (SSLSocket s = (SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", port)) {
        s.setEnabledProtocols(new String[] {"TLSv1.2"});
        s.setEnabledCipherSuites(new String[] {"TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384"});
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, s::startHandshake, "port " + port);
      }
      try (SSLSocket s = (SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", port)) {
        s.setEnabledProtocols(new String[] {"TLSv1.2"});
        s.startHandshake();
        assertTrue(s.getSession().getCipherSuite().startsWith("TLS_ECDHE_"), s.getSession().getCipherSuite());
      }
      try (SSLSocket s = (SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", port)) {
        s.startHandshake();
        assertEquals("TLSv1.3", s.getSession().getProtocol());
      }
    }
  }

  @Test
  void theServedCertificateIsTheConfiguredOne() throws Exception {
    try (SSLSocket s = (SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", dovetail.imapsPort())) {
      s.startHandshake();
      String subject = ((java.security.cert.X509Certificate) s.getSession().getPeerCertificates()[0])
          .getSubjectX500Principal().getName();
      assertEquals("CN=localhost", subject);
    }
  }

  @Test
  void sslRequiredStillAllowsPlaintextLoginFromLoopback() throws Exception {
    try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
      String caps = imap.command("CAPABILITY").get(0);
      assertFalse(caps.contains("LOGINDISABLED"), caps);
      assertTrue(RawImap.last(imap.command("LOGIN alice secret")).contains("OK"));
    }
  }
}
