package dovetail.migrator.source;

import dovetail.migrator.source.LegacyException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS socket factory for imapc_ssl: the CAs of ssl_client_ca_file / ssl_client_ca_dir (PEM, like
 * Dovecot's), the JVM's trust store when neither is set, or no checks at all with imapc_ssl_verify = no.
 */
final class TlsTrust {
  private TlsTrust() {}

  static SSLSocketFactory socketFactory(LegacyImapEndpoint endpoint) {
    return socketFactory(endpoint.sslVerify(), endpoint.caFile(), endpoint.caDir());
  }

  /** The same for any legacy protocol (pop3c_ssl_verify shares ssl_client_ca_file / _dir with imapc). */
  static SSLSocketFactory socketFactory(boolean verify, Path caFile, Path caDir) {
    try {
      if (!verify) {
        return context(new TrustManager[] {new TrustEverything()}).getSocketFactory();
      }
      if (caFile == null && caDir == null) {
        return (SSLSocketFactory) SSLSocketFactory.getDefault();
      }
      List<Certificate> cas = new ArrayList<>();
      if (caFile != null) {
        cas.addAll(read(caFile));
        if (cas.isEmpty()) {
          throw new LegacyException(Kind.TLS_FAILED, "ssl_client_ca_file: no PEM certificate in " + caFile);
        }
      }
      if (caDir != null) {
        cas.addAll(readDir(caDir));
      }
      if (cas.isEmpty()) {
        throw new LegacyException(Kind.TLS_FAILED, "ssl_client_ca_dir: no PEM certificate in " + caDir);
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      return context(tmf.getTrustManagers()).getSocketFactory();
    } catch (GeneralSecurityException | IOException e) {
      throw new LegacyException(Kind.TLS_FAILED, "cannot set up TLS trust: " + e.getMessage(), e);
    }
  }

  private static SSLContext context(TrustManager[] trust) throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust, null);
    return context;
  }

  private static Collection<? extends Certificate> read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (CertificateException e) {
      throw new IOException("ssl CA file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Every file of the directory that parses as PEM (hash links, .pem, .crt); others are skipped. */
  private static List<Certificate> readDir(Path dir) throws IOException {
    List<Certificate> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        if (!Files.isRegularFile(f)) {
          continue;
        }
        try {
          out.addAll(read(f));
        } catch (IOException notACertificate) {
          // CA directories hold other files too (README, CRLs); Dovecot skips them as well.
        }
      }
    }
    return out;
  }

  /** imapc_ssl_verify = no: the operator chose to trust whatever answers. */
  private static final class TrustEverything implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
