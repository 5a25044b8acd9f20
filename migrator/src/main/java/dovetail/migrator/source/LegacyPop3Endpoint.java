package dovetail.migrator.source;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how to log in to the legacy POP3 server: the {@code pop3c_*} settings of Dovecot's migration
 * guide. {@link #toString()} never shows the password.
 *
 * @param masterUser pop3c_master_user, or "" for none; a master user logs in with AUTH PLAIN and the user
 *     as authorization id, as Dovecot's pop3c does
 */
public record LegacyPop3Endpoint(
    String host,
    int port,
    SslMode sslMode,
    boolean sslVerify,
    Path caFile,
    Path caDir,
    String userTemplate,
    String masterUser,
    String password,
    Duration connectTimeout,
    Duration commandTimeout) {

  /** pop3c_ssl. */
  public enum SslMode {
    NONE,
    POP3S,
    STARTTLS
  }

  public LegacyPop3Endpoint {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("pop3c_host: empty");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("pop3c_port: not a TCP port: " + port);
    }
    Objects.requireNonNull(sslMode, "pop3c_ssl");
    Objects.requireNonNull(userTemplate, "pop3c_user");
    masterUser = masterUser == null ? "" : masterUser;
    Objects.requireNonNull(password, "pop3c_password");
    Objects.requireNonNull(connectTimeout, "connect timeout");
    Objects.requireNonNull(commandTimeout, "command timeout");
  }

  /** Port 110, no TLS, %u, no master user, 30 s / 5 min. */
  public static LegacyPop3Endpoint plain(String host, int port, String password) {
    return new LegacyPop3Endpoint(host, port, SslMode.NONE, true, null, null, "%u", "", password,
        Duration.ofSeconds(30), Duration.ofMinutes(5));
  }

  public LegacyPop3Endpoint withMaster(String master, String masterPassword) {
    return new LegacyPop3Endpoint(host, port, sslMode, sslVerify, caFile, caDir, userTemplate, master, masterPassword,
        connectTimeout, commandTimeout);
  }

  @Override
  public String toString() {
    return "pop3c " + host + ":" + port + " ssl=" + sslMode + (masterUser.isEmpty() ? "" : " master=" + masterUser);
  }
}
