package dovetail.proxy.imap;

import java.net.InetAddress;
import java.util.Optional;

/**
 * {@code ssl = required}: no password before TLS, except from loopback, as Dovecot's disable_plaintext_auth
 * (a connection from the same host is considered secure). With {@code ssl = yes} or {@code no}, plaintext
 * LOGIN is allowed.
 */
public record PlaintextAuthRule(boolean tlsRequired) {
  /** Whether a password may be sent on this connection now. An unknown address counts as remote. */
  public boolean allows(boolean tlsActive, Optional<InetAddress> client) {
    return !tlsRequired || tlsActive || client.map(InetAddress::isLoopbackAddress).orElse(false);
  }
}
