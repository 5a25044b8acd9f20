package dovetail.migrator.source;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dovetail.migrator.source.LegacyException.Kind;
import dovetail.migrator.source.LegacyImapEndpoint.SslMode;
import dovetail.store.dovecot.DovecotServer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * STARTTLS against real Dovecot with a certificate for 127.0.0.1 made by keytool: with
 * ssl_client_ca_file the chain and the name check pass; with the JVM's trust store they do not.
 */
class DovecotTlsIT {
  @TempDir
  Path tmp;
  private DovecotFixture server;
  private Path caFile;

  @BeforeEach
  void start() throws Exception {
    DovecotServer.assumeInstalled();
    Path keystore = tmp.resolve("server.p12");
    Process keytool = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
        "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
        "-alias", "legacy", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=legacy.test", "-ext", "SAN=ip:127.0.0.1")).redirectErrorStream(true).start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    keytool.waitFor(60, TimeUnit.SECONDS);
    assertEquals(0, keytool.exitValue(), output);

    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, "changeit".toCharArray());
    }
    caFile = tmp.resolve("cert.pem");
    Files.writeString(caFile, pem("CERTIFICATE", ks.getCertificate("legacy").getEncoded()));
    Path key = tmp.resolve("key.pem");
    Files.writeString(key, pem("PRIVATE KEY", ((PrivateKey) ks.getKey("legacy", "changeit".toCharArray())).getEncoded()));
    server = DovecotFixture.start(tmp.resolve("dovecot"),
        "ssl = yes\nssl_cert = <" + caFile + "\nssl_key = <" + key + "\n");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void starttlsWithTheCaFileVerifiesChainAndHostName() {
    LegacyImapEndpoint endpoint = server.endpoint().ssl(SslMode.STARTTLS, true).caFile(caFile).build();
    try (LegacyImapSession session = LegacyImapSource.create(endpoint, FetchLimits.defaults()).open(server.user())) {
      assertEquals(0, session.examine("INBOX").messageCount());
      // After STARTTLS the capabilities are asked again, so the post-login ones are known.
      assertEquals(true, session.listFolders().stream().anyMatch(f -> f.specialUse().isPresent()));
    }
  }

  /** After STARTTLS, responses are framed by us over the TLS socket, so their length is bounded there too. */
  @Test
  void starttlsFramesResponsesOverTheTlsSocket() {
    LegacyImapEndpoint endpoint = server.endpoint().ssl(SslMode.STARTTLS, true).caFile(caFile).build();
    try (ImapConnection c = new ImapConnector(endpoint).open(server.user())) {
      assertEquals(true, assertDoesNotThrow(() -> c.wire().frameResponsesOurselves()));
      assertEquals(true, c.wire().isSSL());
      assertEquals(true, c.run("NOOP", null).get(0).isOK(), "and it still speaks IMAP");
    }
  }

  @Test
  void starttlsWithAnUntrustedCertificateIsTlsFailed() {
    LegacyImapEndpoint endpoint = server.endpoint().ssl(SslMode.STARTTLS, true).build();
    LegacyException e = assertThrows(LegacyException.class,
        () -> LegacyImapSource.create(endpoint, FetchLimits.defaults()).open(server.user()));
    assertEquals(Kind.TLS_FAILED, e.kind());
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
