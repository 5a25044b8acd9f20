package dovetail.proxy.imap;

import dovetail.conf.TlsSettings;
import java.net.InetAddress;
import java.util.Optional;

/**
 * {@code disable_plaintext_auth = yes} (the default) or {@code ssl = required}: no password before TLS, except from
 * loopback, as in Dovecot (a connection from the same host is considered secure). Otherwise plaintext LOGIN is
 * allowed.
 */
public record PlaintextAuthRule(boolean tlsRequired) {
  /** The rule of these settings, for every listener that takes a password. */
  public static PlaintextAuthRule of(TlsSettings tls) {
    return new PlaintextAuthRule(tls.passwordNeedsTls());
  }

  /** Whether a password may be sent on this connection now. An unknown address counts as remote. */
  public boolean allows(boolean tlsActive, Optional<InetAddress> client) {
    return !tlsRequired || tlsActive || client.map(InetAddress::isLoopbackAddress).orElse(false);
  }
}
