package dovetail.migrator.source;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where and how to log in to the legacy IMAP server: the {@code imapc_*} settings of Dovecot's
 * migration guide, already parsed. Immutable and validated; {@link #toString()} never shows the
 * password.
 *
 * @param host imapc_host
 * @param port imapc_port
 * @param sslMode imapc_ssl
 * @param sslVerify imapc_ssl_verify: check the certificate chain and the host name
 * @param caFile ssl_client_ca_file (PEM, may hold several certificates), or null
 * @param caDir ssl_client_ca_dir (every PEM file in it), or null. With neither, the JVM's trust store
 * @param userTemplate imapc_user: {@code %u} is the user, {@code %n} its local part, {@code %d} its
 *     domain
 * @param masterUser imapc_master_user, or "" for none
 * @param password imapc_password: the master user's password when there is one, else the user's own
 * @param masterLoginStyle how the master user logs in as the user
 * @param features imapc_features, lower case ("rfc822.size", "fetch-headers", ...)
 * @param listPrefix imapc_list_prefix, e.g. "INBOX" on Courier; "" for none
 * @param connectTimeout TCP connect (and TLS handshake) timeout
 * @param commandTimeout how long a read may wait for the server before the connection is given up
 */
public record LegacyImapEndpoint(
    String host,
    int port,
    SslMode sslMode,
    boolean sslVerify,
    Path caFile,
    Path caDir,
    String userTemplate,
    String masterUser,
    String password,
    MasterLoginStyle masterLoginStyle,
    Set<String> features,
    String listPrefix,
    Duration connectTimeout,
    Duration commandTimeout) {

  /** imapc_ssl. */
  public enum SslMode {
    /** Plain TCP (imapc_ssl = no). */
    NONE,
    /** TLS from the first byte (imapc_ssl = imaps). */
    IMAPS,
    /** STARTTLS before login; a server that does not offer it is refused (imapc_ssl = starttls). */
    STARTTLS
  }

  /** How a master user logs in on behalf of a user. */
  public enum MasterLoginStyle {
    /** Dovecot's {@code LOGIN "user*master" "secret"} (auth_master_user_separator = *). */
    SEPARATOR,
    /** AUTHENTICATE PLAIN with authorization id = user, authentication id = master (RFC 4616). */
    SASL
  }

  public LegacyImapEndpoint {
    host = requireText(host, "imapc_host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("imapc_port: not a TCP port: " + port);
    }
    Objects.requireNonNull(sslMode, "imapc_ssl");
    userTemplate = requireText(userTemplate, "imapc_user");
    masterUser = masterUser == null ? "" : masterUser;
    Objects.requireNonNull(password, "imapc_password");
    Objects.requireNonNull(masterLoginStyle, "master login style");
    TreeSet<String> lower = new TreeSet<>();
    for (String f : Objects.requireNonNull(features, "imapc_features")) {
      lower.add(f.toLowerCase(Locale.ROOT));
    }
    features = Set.copyOf(lower);
    listPrefix = listPrefix == null ? "" : listPrefix;
    connectTimeout = requirePositive(connectTimeout, "connect timeout");
    commandTimeout = requirePositive(commandTimeout, "command timeout");
  }

  /** A builder with Dovecot's defaults: port 143, no TLS, verify on, imapc_user = %u, 30 s / 5 min. */
  public static Builder builder(String host) {
    return new Builder(host);
  }

  public boolean hasMasterUser() {
    return !masterUser.isEmpty();
  }

  public boolean hasFeature(String feature) {
    return features.contains(feature);
  }

  /**
   * The same server, logged in to with a user's own password (seen at that user's login) instead of
   * the master user. The password lives only in memory.
   */
  public LegacyImapEndpoint withUserPassword(String userPassword) {
    return new LegacyImapEndpoint(host, port, sslMode, sslVerify, caFile, caDir, userTemplate, "",
        userPassword, masterLoginStyle, features, listPrefix, connectTimeout, commandTimeout);
  }

  /** Like the record's, but the password is masked: endpoints end up in logs and exceptions. */
  @Override
  public String toString() {
    return "LegacyImapEndpoint[" + host + ":" + port + ", ssl=" + sslMode + ", verify=" + sslVerify
        + ", user=" + userTemplate + (hasMasterUser() ? ", master=" + masterUser + "/" + masterLoginStyle : "")
        + ", password=***, features=" + features + ", listPrefix='" + listPrefix + "']";
  }

  private static String requireText(String value, String key) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(key + ": must not be empty");
    }
    return value;
  }

  private static Duration requirePositive(Duration value, String what) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(what + ": must be positive, was " + value);
    }
    return value;
  }

  /** Mutable builder, mostly for the settings mapper and tests. */
  public static final class Builder {
    private final String host;
    private int port = 143;
    private SslMode sslMode = SslMode.NONE;
    private boolean sslVerify = true;
    private Path caFile;
    private Path caDir;
    private String userTemplate = "%u";
    private String masterUser = "";
    private String password = "";
    private MasterLoginStyle masterLoginStyle = MasterLoginStyle.SEPARATOR;
    private Set<String> features = Set.of();
    private String listPrefix = "";
    private Duration connectTimeout = Duration.ofSeconds(30);
    private Duration commandTimeout = Duration.ofMinutes(5);

    private Builder(String host) {
      this.host = host;
    }

    public Builder port(int value) {
      port = value;
      return this;
    }

    public Builder ssl(SslMode mode, boolean verify) {
      sslMode = mode;
      sslVerify = verify;
      return this;
    }

    public Builder caFile(Path value) {
      caFile = value;
      return this;
    }

    public Builder caDir(Path value) {
      caDir = value;
      return this;
    }

    public Builder userTemplate(String value) {
      userTemplate = value;
      return this;
    }

    public Builder masterUser(String user, MasterLoginStyle style) {
      masterUser = user;
      masterLoginStyle = style;
      return this;
    }

    public Builder password(String value) {
      password = value;
      return this;
    }

    public Builder features(Set<String> value) {
      features = value;
      return this;
    }

    public Builder listPrefix(String value) {
      listPrefix = value;
      return this;
    }

    public Builder timeouts(Duration connect, Duration command) {
      connectTimeout = connect;
      commandTimeout = command;
      return this;
    }

    public LegacyImapEndpoint build() {
      return new LegacyImapEndpoint(host, port, sslMode, sslVerify, caFile, caDir, userTemplate,
          masterUser, password, masterLoginStyle, features, listPrefix, connectTimeout, commandTimeout);
    }
  }
}
