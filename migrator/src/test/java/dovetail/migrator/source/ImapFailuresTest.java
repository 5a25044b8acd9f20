package dovetail.migrator.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dovetail.migrator.source.LegacyException.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.angus.mail.iap.Response;
import org.junit.jupiter.api.Test;

class ImapFailuresTest {
  private static Kind kind(String line, Kind usual) {
    return ImapFailures.fromResponse(new Response(line), usual, "test").kind();
  }

  @Test
  void throttlingResponseCodesMeanBackOff() {
    assertEquals(Kind.THROTTLED, kind("A1 NO [LIMIT] Too many commands", Kind.PROTOCOL));
    assertEquals(Kind.THROTTLED, kind("A1 NO [THROTTLED] slow down", Kind.PROTOCOL));
    assertEquals(Kind.THROTTLED, kind("A1 NO [UNAVAILABLE] Temporary authentication failure", Kind.AUTH_FAILED));
    assertEquals(Kind.THROTTLED, kind("* BYE [UNAVAILABLE] Server shutting down", Kind.UNAVAILABLE));
  }

  @Test
  void throttlingTextsWithoutCodesMeanBackOff() {
    assertEquals(Kind.THROTTLED,
        kind("A1 NO [ALERT] Too many simultaneous connections. (Failure)", Kind.AUTH_FAILED)); // Gmail
    assertEquals(Kind.THROTTLED, kind("* BYE Too many connections from your IP", Kind.UNAVAILABLE));
    assertEquals(Kind.THROTTLED, kind("A1 NO [ALERT] Account exceeded command or bandwidth limits.", Kind.PROTOCOL));
  }

  @Test
  void exchangesSuggestedBackoffIsKept() {
    LegacyException e = ImapFailures.fromResponse(
        new Response("A1 NO Request is throttled. Suggested Backoff Time: 262 milliseconds"), Kind.PROTOCOL, "x");
    assertEquals(Kind.THROTTLED, e.kind());
    assertEquals(Optional.of(Duration.ofMillis(262)), e.retryAfter());
  }

  @Test
  void loginAnswersAreAuthFailures() {
    assertEquals(Kind.AUTH_FAILED, kind("A1 NO [AUTHENTICATIONFAILED] Authentication failed.", Kind.AUTH_FAILED));
    assertEquals(Kind.AUTH_FAILED, kind("A1 NO Login failed", Kind.AUTH_FAILED));
    assertEquals(Kind.AUTH_FAILED, kind("A1 NO [AUTHORIZATIONFAILED] not a master", Kind.PROTOCOL));
  }

  /** Review 12, F7: the code is the one the answer opens with, not one its free text mentions. */
  @Test
  void theResponseCodeIsTheAnswersOwnNotOneItsTextMentions() {
    LegacyException wrongMasterPassword = ImapFailures.fromResponse(new Response(
        "A1 NO [AUTHENTICATIONFAILED] Authentication failed (not [AUTHORIZATIONFAILED])"), Kind.AUTH_FAILED,
        "127.0.0.1:143: login as [AUTHORIZATIONFAILED] via master user master");
    assertEquals("AUTHENTICATIONFAILED", wrongMasterPassword.responseCode());
    assertEquals("AUTHORIZATIONFAILED", ImapFailures.fromResponse(new Response("A1 NO [AUTHORIZATIONFAILED] no"),
        Kind.AUTH_FAILED, "x").responseCode());
    assertEquals("", ImapFailures.fromResponse(new Response("A1 NO Login failed [AUTHORIZATIONFAILED]"),
        Kind.AUTH_FAILED, "x").responseCode());
    assertEquals("AUTHENTICATIONFAILED", wrongMasterPassword.about(7).responseCode());
  }

  @Test
  void byeMeansUnavailableAndBadMeansProtocol() {
    assertEquals(Kind.UNAVAILABLE, kind("* BYE Disconnected for inactivity.", Kind.PROTOCOL));
    assertEquals(Kind.PROTOCOL, kind("A1 BAD Error in IMAP command", Kind.FOLDER_NOT_FOUND));
    assertEquals(Kind.FOLDER_NOT_FOUND, kind("A1 NO Mailbox doesn't exist: Foo", Kind.FOLDER_NOT_FOUND));
  }

  /** Walk-through 18, F1: a connection dropped at the login was logged as "server said BYE Jakarta Mail Exception". */
  @Test
  void aConnectionDroppedAtTheLoginIsSaidSoAndNotQuotedAsTheServersBye() {
    Response dropped = Response.byeResponse(new IOException("Connection dropped by server?"));
    LegacyException e = ImapFailures.fromResponse(dropped, Kind.AUTH_FAILED, "127.0.0.1:143: login as u27");
    assertEquals(Kind.UNAVAILABLE, e.kind());
    assertEquals("127.0.0.1:143: login as u27: the server closed the connection without an answer to the login (a limit"
        + " of the legacy server's processes, such as Dovecot's process_limit, or of connections per client address?):"
        + " Connection dropped by server?", e.getMessage());
    assertEquals("UID FETCH 7: the server closed the connection without an answer: Connection dropped by server?",
        ImapFailures.fromResponse(dropped, Kind.PROTOCOL, "UID FETCH 7").getMessage());
  }

  @Test
  void socketFailuresAreUnavailableAndCertificatesAreTls() {
    assertEquals(Kind.UNAVAILABLE, ImapFailures.fromIo(new ConnectException("refused"), "x").kind());
    assertEquals(Kind.UNAVAILABLE, ImapFailures.fromIo(new SocketTimeoutException("read"), "x").kind());
    assertEquals(Kind.UNAVAILABLE, ImapFailures.fromIo(new IOException("reset"), "x").kind());
    assertEquals(Kind.TLS_FAILED,
        ImapFailures.fromIo(new IOException("wrap", new SSLHandshakeException("PKIX path")), "x").kind());
  }

  @Test
  void responseTextIsPrintableAndBounded() {
    String text = ImapFailures.text(new Response("A1 NO " + "x".repeat(1000) + "\u0001"));
    assertEquals(300, text.length());
    assertEquals("LIMIT", ImapFailures.responseCode("[LIMIT] text"));
    assertEquals("", ImapFailures.responseCode("text [LIMIT]"));
  }
}
