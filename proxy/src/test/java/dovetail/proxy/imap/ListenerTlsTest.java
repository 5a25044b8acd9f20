package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.conf.SslMode;
import dovetail.conf.TlsSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.junit.jupiter.api.Test;

class ListenerTlsTest {
  private static List<String> protocols(String minProtocol) {
    BaseHierarchicalConfiguration c = new BaseHierarchicalConfiguration();
    ListenerTls.configure(c, new TlsSettings(SslMode.YES, Optional.of(Path.of("/c.pem")), Optional.of(Path.of("/k.pem")),
        Optional.empty(), Optional.empty(), true, minProtocol), false);
    return List.of(c.getStringArray("tls.supportedProtocols.protocol"));
  }

  @Test
  void sslMinProtocolDecidesTheProtocols() {
    assertEquals(List.of("TLSv1.3", "TLSv1.2"), protocols("TLSv1.2"));
    assertEquals(List.of("TLSv1.3"), protocols("TLSv1.3"));
  }

  @Test
  void everySuiteHasForwardSecrecyAndTheJdksStrongOnesAreThere() {
    List<String> suites = ListenerTls.forwardSecretSuites();
    assertTrue(suites.contains("TLS_AES_128_GCM_SHA256"), suites.toString());
    assertTrue(suites.contains("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"), suites.toString());
    assertFalse(suites.stream().anyMatch(s -> s.startsWith("TLS_RSA_")), suites.toString());
  }
}
