package dovetail.proxy.imap;

import dovetail.conf.TlsSettings;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;

/**
 * The TLS part of a James listener's configuration, IMAP's and POP3's alike: Dovetail's certificate, STARTTLS or
 * implicit TLS, the protocols from {@code ssl_min_protocol}, and only cipher suites with forward secrecy. The JDK also
 * offers static-RSA key exchange (TLS_RSA_*), which Dovecot's default {@code ssl_cipher_list} excludes ({@code !kRSA}):
 * whoever gets the server's key later could read every recorded session, passwords included (walk-through 6, W5).
 */
public final class ListenerTls {
  private static final List<String> FORWARD_SECRET = List.of("TLS_AES_", "TLS_CHACHA20_", "TLS_ECDHE_", "TLS_DHE_");

  private ListenerTls() {}

  /** Adds the TLS settings to {@code c}; nothing when TLS is off. */
  public static void configure(BaseHierarchicalConfiguration c, TlsSettings tls, boolean implicitTls) {
    if (!tls.enabled()) {
      return;
    }
    c.addProperty(implicitTls ? "tls[@socketTLS]" : "tls[@startTLS]", true);
    c.addProperty("tls.privateKey", tls.key().orElseThrow().toAbsolutePath().toString());
    c.addProperty("tls.certificates", tls.cert().orElseThrow().toAbsolutePath().toString());
    for (String protocol : tls.minProtocol().equals("TLSv1.3") ? List.of("TLSv1.3") : List.of("TLSv1.3", "TLSv1.2")) {
      c.addProperty("tls.supportedProtocols.protocol", protocol);
    }
    for (String suite : forwardSecretSuites()) {
      c.addProperty("tls.supportedCipherSuites.cipherSuite", suite);
    }
  }

  /** The JDK's default suites that have forward secrecy, in its order of preference. */
  static List<String> forwardSecretSuites() {
    try {
      return Arrays.stream(SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites())
          .filter(s -> FORWARD_SECRET.stream().anyMatch(s::startsWith)).toList();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no default TLS context", e);
    }
  }
}
