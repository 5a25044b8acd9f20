package dovetail.migrator.source;

import dovetail.migrator.source.LegacyException.Kind;
import dovetail.migrator.source.LegacyImapEndpoint.MasterLoginStyle;
import dovetail.migrator.source.LegacyImapEndpoint.SslMode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.util.MailLogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a connection and logs in: TCP or IMAPS, STARTTLS when asked (and never a password in clear
 * when STARTTLS was asked for but is not offered), for a client's login its address (ID), then LOGIN or
 * AUTHENTICATE PLAIN.
 *
 * <p>We drive Angus's {@code IMAPProtocol} directly instead of going through {@code IMAPStore}: the
 * store keeps a pool that silently reconnects, which loses the selected folder behind our back, and it
 * hides the send/read split that pipelining needs. The {@code mail.imap.*} properties are still what
 * configure the socket.
 */
final class ImapConnector {
  private static final Logger LOG = LoggerFactory.getLogger(ImapConnector.class);
  /** Angus's debug output goes nowhere; its java.util.logging records still follow the JUL config. */
  private static final MailLogger ANGUS_LOG = new MailLogger(
      ImapConnector.class, "DEBUG IMAP", false, new PrintStream(OutputStream.nullOutputStream()));

  private final LegacyImapEndpoint endpoint;
  private final SSLSocketFactory tls;

  ImapConnector(LegacyImapEndpoint endpoint) {
    this.endpoint = endpoint;
    this.tls = endpoint.sslMode() == SslMode.NONE ? null : TlsTrust.socketFactory(endpoint);
  }

  ImapConnection open(String user) {
    return open(user, null);
  }

  /** @param client the client whose login this is (a password check), or null (migration work) */
  ImapConnection open(String user, ForwardedClient client) {
    String peer = endpoint.host() + ":" + endpoint.port();
    WireProtocol wire;
    try {
      // A factory per connection, which hands its TLS socket to our response framing.
      wire = new WireProtocol(endpoint.host(), endpoint.port(),
          properties(endpoint, tls == null ? null : new TlsSocketRecorder(tls)),
          endpoint.sslMode() == SslMode.IMAPS, ANGUS_LOG);
    } catch (WireProtocol.NoGreetingException e) {
      throw new LegacyException(Kind.UNAVAILABLE, peer + ": connected, but the server sent no greeting within "
          + ImapFailures.seconds(endpoint.commandTimeout()) + " (imapc_cmd_timeout)", e);
    } catch (IOException e) {
      throw tooLong(e, peer + ": greeting").orElseGet(() -> ImapFailures.fromGreeting(e, peer));
    } catch (ProtocolException e) {
      throw tooLong(e, peer + ": greeting")
          .orElseGet(() -> ImapFailures.fromProtocol(e, Kind.UNAVAILABLE, peer + ": greeting"));
    }
    ImapConnection connection = new ImapConnection(wire, peer, endpoint.commandTimeout());
    try {
      if (endpoint.sslMode() == SslMode.STARTTLS) {
        startTls(connection);
      }
      requireImap4rev1(connection);
      if (wire.isAuthenticated()) {
        // PREAUTH: the server picked the identity, so every user would get the same mailbox.
        throw new LegacyException(Kind.PROTOCOL, peer + ": the server greeted with PREAUTH; "
            + "refusing a session that cannot be tied to " + user);
      }
      if (client != null) {
        forward(connection, client);
      }
      login(connection, user);
      // Capabilities change after login (Dovecot adds SPECIAL-USE, CONDSTORE, ...): ask again.
      wire.capability();
      if (!wire.frameResponsesOurselves()) {
        LOG.debug("{}: responses framed by Angus (no socket, or bytes already waiting after login)", peer);
      }
      LOG.debug("{}: logged in for {}", peer, user);
      return connection;
    } catch (ProtocolException e) {
      connection.close();
      throw tooLong(e, peer + ": CAPABILITY")
          .orElseGet(() -> ImapFailures.fromProtocol(e, Kind.PROTOCOL, peer + ": CAPABILITY"));
    } catch (IOException e) {
      connection.close();
      throw tooLong(e, peer + ": after login").orElseGet(() -> ImapFailures.fromIo(e, peer + ": after login"));
    } catch (RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /**
   * A response too long to take, read by Angus's own commands (the greeting, CAPABILITY, STARTTLS), which wrap it:
   * the server's fault, as in {@link ImapConnection}, not a connection lost.
   */
  private static Optional<LegacyException> tooLong(Throwable failure, String context) {
    for (Throwable t = failure; t != null; ) {
      if (t instanceof ResponseTooLongException e) {
        LOG.warn("{}: {}", context, e.getMessage());
        return Optional.of(new LegacyException(Kind.PROTOCOL, context + ": " + e.getMessage(), failure));
      }
      Throwable next = t instanceof ProtocolException p && p.getResponse() != null && p.getCause() == null
          ? p.getResponse().getException() : t.getCause();
      t = next == t ? null : next;
    }
    return Optional.empty();
  }

  /**
   * Everything here speaks IMAP4rev1 (RFC 3501); a server that does not announce it is refused before the password is
   * sent, with Dovecot imapc's words, rather than migrated from on guesses (walk-through 13, B9).
   */
  private static void requireImap4rev1(ImapConnection connection) {
    if (!connection.hasCapability("IMAP4rev1")) {
      throw new LegacyException(Kind.PROTOCOL, connection.peer() + ": CAPABILITY list is missing IMAP4rev1; "
          + "not migrating from a server that is not IMAP4rev1, as Dovecot's imapc does not");
    }
  }

  private void startTls(ImapConnection connection) throws ProtocolException {
    if (!connection.hasCapability("STARTTLS")) {
      throw new LegacyException(Kind.TLS_FAILED, connection.peer()
          + ": imapc_ssl = starttls, but the server does not offer STARTTLS; not sending the password in clear");
    }
    try {
      connection.wire().startTLS();
    } catch (ProtocolException e) {
      LegacyException failure = ImapFailures.fromProtocol(e, Kind.TLS_FAILED, connection.peer() + ": STARTTLS");
      throw failure.kind() == Kind.UNAVAILABLE
          ? new LegacyException(Kind.TLS_FAILED, failure.getMessage(), e) : failure;
    }
    // RFC 3501 6.2.1: capabilities from before TLS must be forgotten.
    connection.wire().capability();
  }

  /**
   * ID with the client's address, as Dovecot's login proxies send it before their login, when the server offers ID
   * now (after STARTTLS, so the address is not sent in clear where TLS was asked for). A refusal loses only the
   * address, so the login goes on.
   */
  private static void forward(ImapConnection connection, ForwardedClient client) {
    if (!connection.hasCapability("ID")) {
      LOG.debug("{}: no ID before login; the legacy server does not learn the address of {}", connection.peer(),
          client);
      return;
    }
    List<Response> answer = connection.run("ID", client.idArgument());
    Response last = answer.get(answer.size() - 1);
    if (!last.isOK()) {
      LOG.info("{}: ID with the address of {} refused: {}", connection.peer(), client, ImapFailures.text(last));
    }
  }

  private void login(ImapConnection connection, String user) {
    String login = LoginName.expand(endpoint.userTemplate(), user);
    String context = connection.peer() + ": login as " + login
        + (endpoint.hasMasterUser() ? " via master user " + endpoint.masterUser() : "");
    long sent = System.nanoTime(); // a refusal says when: a check of the same credentials must have begun after it
    try {
      if (!endpoint.hasMasterUser()) {
        plainLogin(connection, login, context);
      } else if (endpoint.masterLoginStyle() == MasterLoginStyle.SEPARATOR) {
        plainLogin(connection, LoginName.withMaster(login, endpoint.masterUser()), context);
      } else {
        // RFC 4616: authorization id = the user, authentication id = the master user.
        authenticatePlain(connection, login, endpoint.masterUser(), context);
      }
    } catch (LegacyException e) {
      throw e.kind() == Kind.AUTH_FAILED ? e.loginSentAt(sent) : e;
    }
  }

  private void plainLogin(ImapConnection connection, String login, String context) {
    if (connection.hasCapability("LOGINDISABLED")) {
      authenticatePlain(connection, "", login, context);
      return;
    }
    List<Response> answer = List.of(connection.wire().loginUtf8(login, endpoint.password()));
    Response last = answer.get(answer.size() - 1);
    if (!last.isOK()) {
      throw ImapFailures.fromResponse(last, Kind.AUTH_FAILED, context);
    }
  }

  private void authenticatePlain(ImapConnection connection, String authzid, String authcid, String context) {
    if (!connection.hasCapability("AUTH=PLAIN")) {
      throw new LegacyException(Kind.AUTH_FAILED, context + ": the server offers no AUTH=PLAIN"
          + (connection.hasCapability("LOGINDISABLED") ? " and refuses LOGIN (LOGINDISABLED)" : ""));
    }
    try {
      connection.wire().authplain(authzid, authcid, endpoint.password());
    } catch (ProtocolException e) {
      throw ImapFailures.fromProtocol(e, Kind.AUTH_FAILED, context);
    }
  }

  /** The mail.imap.* settings of one endpoint; Angus's SocketFetcher reads them. */
  static Properties properties(LegacyImapEndpoint endpoint, SSLSocketFactory tls) {
    Properties p = new Properties();
    p.setProperty("mail.imap.connectiontimeout", Long.toString(endpoint.connectTimeout().toMillis()));
    p.setProperty("mail.imap.timeout", Long.toString(endpoint.commandTimeout().toMillis()));
    p.setProperty("mail.imap.ssl.enable", Boolean.toString(endpoint.sslMode() == SslMode.IMAPS));
    p.setProperty("mail.imap.starttls.enable", Boolean.toString(endpoint.sslMode() == SslMode.STARTTLS));
    p.setProperty("mail.imap.starttls.required", Boolean.toString(endpoint.sslMode() == SslMode.STARTTLS));
    p.setProperty("mail.imap.ssl.checkserveridentity", Boolean.toString(endpoint.sslVerify()));
    // A connection over a socket channel lets WireProtocol read the socket itself (BufferedResponseInput), bounded:
    // plain, and STARTTLS's plain start too (greeting, CAPABILITY, the STARTTLS answer), which anyone on the path
    // could otherwise fill the heap with (review 15, F3). imaps frames over the TLS socket it recorded.
    p.setProperty("mail.imap.usesocketchannels", Boolean.toString(endpoint.sslMode() != SslMode.IMAPS));
    // Keep passwords out of Angus's trace even if someone turns it on.
    p.setProperty("mail.debug.auth", "false");
    if (tls != null) {
      p.put("mail.imap.ssl.socketFactory", tls);
    }
    // Angus's default is to retry a failed connection with the JVM's default factory: a second
    // connection with other trust than configured. A failure must stay a failure.
    p.setProperty("mail.imap.socketFactory.fallback", "false");
    return p;
  }
}
