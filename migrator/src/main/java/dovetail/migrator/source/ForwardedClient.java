package dovetail.migrator.source;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.eclipse.angus.mail.iap.Argument;

/**
 * The client on whose behalf Dovetail logs in to the legacy server (the password check of a client's login). Sent
 * before that login as IMAP ID fields, as Dovecot's login proxies send them, so that a legacy Dovecot whose
 * {@code login_trusted_networks} holds Dovetail logs the client's address ({@code rip=}) and applies its auth
 * penalty to it instead of to Dovetail's one address. A server that does not trust Dovetail ignores the fields.
 *
 * @param remote the client's address and port
 * @param local the address and port the client connected to (Dovetail's listener)
 * @param sessionId Dovetail's id of the client's session, for Dovecot's {@code session=<...>}; "" for none
 */
public record ForwardedClient(InetSocketAddress remote, InetSocketAddress local, String sessionId) {
  /** Dovecot ignores a longer session id (LOGIN_MAX_SESSION_ID_LEN). */
  private static final int MAX_SESSION_ID = 64;

  public ForwardedClient {
    Objects.requireNonNull(remote, "remote");
    Objects.requireNonNull(local, "local");
    if (remote.getAddress() == null || local.getAddress() == null) {
      throw new IllegalArgumentException("unresolved address: " + remote + ", " + local);
    }
    sessionId = sessionId == null ? "" : sessionId;
  }

  /** The ID fields in the order Dovecot's proxy sends them (imap-proxy.c, proxy_write_id). */
  Map<String, String> idFields() {
    Map<String, String> f = new LinkedHashMap<>();
    if (!sessionId.isEmpty() && sessionId.length() <= MAX_SESSION_ID && sessionId.chars().allMatch(c -> c > ' '
        && c < 127 && c != '"' && c != '\\')) {
      f.put("x-session-ext-id", sessionId);
    }
    f.put("x-originating-ip", ip(remote.getAddress()));
    f.put("x-originating-port", Integer.toString(remote.getPort()));
    f.put("x-connected-ip", ip(local.getAddress()));
    f.put("x-connected-port", Integer.toString(local.getPort()));
    return f;
  }

  /** {@code ("key" "value" ...)}, the argument of ID (RFC 2971). */
  Argument idArgument() {
    Argument list = new Argument();
    idFields().forEach((k, v) -> list.writeNString(k).writeNString(v));
    return new Argument().writeArgument(list);
  }

  /** A literal without an IPv6 scope ("fe80::1%eth0"), which Dovecot's net_addr2ip would not parse. */
  private static String ip(InetAddress address) {
    String text = address.getHostAddress();
    int scope = text.indexOf('%');
    return scope < 0 ? text : text.substring(0, scope);
  }

  @Override
  public String toString() {
    return "client " + ip(remote.getAddress()) + ":" + remote.getPort() + " on " + ip(local.getAddress()) + ":"
        + local.getPort();
  }
}
