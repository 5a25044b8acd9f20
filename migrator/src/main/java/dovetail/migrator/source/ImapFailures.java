package dovetail.migrator.source;

import dovetail.migrator.source.LegacyException.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;

/**
 * Maps what the legacy server or the network said to a {@link LegacyException}, in one place, so that
 * every command treats throttling, BYE and dropped connections alike.
 */
final class ImapFailures {
  /** RFC 5530 response codes that mean "later", not "never". */
  private static final Set<String> THROTTLE_CODES = Set.of("LIMIT", "THROTTLED", "UNAVAILABLE", "INUSE");
  private static final Set<String> AUTH_CODES = Set.of("AUTHENTICATIONFAILED", "AUTHORIZATIONFAILED", "EXPIRED");
  /**
   * Texts of servers that throttle without a response code: Gmail ("Too many simultaneous
   * connections", "Account exceeded command or bandwidth limits"), Exchange ("Request is throttled").
   */
  private static final Pattern THROTTLE_TEXT =
      Pattern.compile("(?i)too many (simultaneous )?connections|throttl|exceeded .*limit|try again later");
  private static final Pattern EXCHANGE_BACKOFF =
      Pattern.compile("(?i)suggested backoff time:\\s*(\\d+)\\s*milliseconds");
  private static final int MAX_TEXT = 300;

  private ImapFailures() {}

  /**
   * A NO, BAD or BYE answer.
   *
   * @param usual the kind when the answer carries no more specific hint (e.g. AUTH_FAILED for LOGIN)
   */
  static LegacyException fromResponse(Response response, Kind usual, String context) {
    if (response.isSynthetic()) {
      // Angus's stand-in for a connection that closed without an answer: its "BYE Jakarta Mail Exception" is no word
      // of the server's (walk-through 18, F1: quoted as one, it sent the operator looking for a network fault).
      Exception why = response.getException();
      return new LegacyException(Kind.UNAVAILABLE, context + ": the server closed the connection without an answer"
          + (usual == Kind.AUTH_FAILED ? " to the login (" + LIMIT_AT_LOGIN + ")" : "")
          + (why != null ? ": " + why.getMessage() : ""), why);
    }
    String text = text(response);
    String code = responseCode(text);
    Kind kind;
    if (THROTTLE_CODES.contains(code) || THROTTLE_TEXT.matcher(text).find()) {
      kind = Kind.THROTTLED;
    } else if (AUTH_CODES.contains(code)) {
      kind = Kind.AUTH_FAILED;
    } else if (response.isBYE()) {
      kind = Kind.UNAVAILABLE;
    } else if (response.isBAD() && usual != Kind.AUTH_FAILED) {
      kind = Kind.PROTOCOL;
    } else {
      kind = usual;
    }
    String status = response.isBYE() ? "BYE" : response.isBAD() ? "BAD" : response.isNO() ? "NO" : "answer";
    return LegacyException.answered(kind, context + ": server said " + status + " " + text, backoff(text), code);
  }

  static boolean isThrottle(Response response) {
    String text = text(response);
    return THROTTLE_CODES.contains(responseCode(text)) || THROTTLE_TEXT.matcher(text).find();
  }

  /**
   * A read that waited {@code silence} (the socket's read timeout) for the server: it stopped answering, which is
   * said as such (the connection was not dropped); anything else as {@link #fromIo(Throwable, String)}.
   */
  static LegacyException fromRead(Throwable failure, String context, Duration silence) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SocketTimeoutException) {
        return new LegacyException(Kind.UNAVAILABLE, context + ": the server sent nothing for " + seconds(silence)
            + ", read timed out", failure);
      }
    }
    return fromIo(failure, context);
  }

  /** "10 s", or "500 ms" for a timeout that is not whole seconds. */
  static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  /** A failure on the socket: refused, reset, timed out, TLS. */
  static LegacyException fromIo(Throwable failure, String context) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SSLException || t instanceof GeneralSecurityException) {
        return new LegacyException(Kind.TLS_FAILED, context + ": TLS failed: " + t.getMessage(), failure);
      }
      if (t instanceof SocketTimeoutException) {
        return new LegacyException(Kind.UNAVAILABLE, context + ": timed out", failure);
      }
      if (t instanceof ConnectException || t instanceof UnknownHostException) {
        return new LegacyException(Kind.UNAVAILABLE, context + ": cannot connect: " + t.getMessage(), failure);
      }
    }
    if (failure.getMessage() != null && failure.getMessage().contains("Server is not trusted")) {
      return new LegacyException(Kind.TLS_FAILED, context + ": " + failure.getMessage(), failure);
    }
    return new LegacyException(Kind.UNAVAILABLE, context + ": connection lost: " + failure, failure);
  }

  /**
   * A failure before the greeting came. A connection that was made and then closed (or reset) without a greeting is
   * what couriertcpd does over its per-address limit (MAXPERIP): said so, since every connection of Dovetail's comes
   * from one address and a bare "connection lost" reads as an outage of the legacy server (walk-through 15, F6).
   */
  static LegacyException fromGreeting(Throwable failure, String peer) {
    LegacyException general = fromIo(failure, peer + ": connect");
    if (general.kind() != Kind.UNAVAILABLE) {
      return general;
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SocketTimeoutException || t instanceof ConnectException || t instanceof UnknownHostException) {
        return general; // never connected, or timed out: fromIo said which
      }
    }
    return new LegacyException(Kind.UNAVAILABLE, peer + ": connected, but the server closed the connection before its"
        + " greeting: " + PER_ADDRESS_LIMIT + " (" + failure.getMessage() + ")", failure);
  }

  /** What a connection closed at the login most likely met: Dovecot's imap-login drops it there when full. */
  static final String LIMIT_AT_LOGIN = "a limit of the legacy server's processes, such as Dovecot's process_limit,"
      + " or of connections per client address?";

  /** What a connection closed at once most likely met; IMAP's and POP3's early closes both say it. */
  static final String PER_ADDRESS_LIMIT = "a limit of connections per client address (Courier's MAXPERIP)? Dovetail's"
      + " connections all come from one address";

  /** Angus's exceptions carry the server's answer, or wrap a socket failure. */
  static LegacyException fromProtocol(ProtocolException e, Kind usual, String context) {
    if (e.getResponse() != null && !e.getResponse().isSynthetic()) {
      return fromResponse(e.getResponse(), usual, context);
    }
    Throwable cause = e.getCause() != null ? e.getCause()
        : e.getResponse() != null ? e.getResponse().getException() : null;
    if (cause instanceof IOException || cause instanceof GeneralSecurityException) {
      return fromIo(cause, context);
    }
    return new LegacyException(Kind.UNAVAILABLE, context + ": " + e.getMessage(), e);
  }

  /** The answer's text after the status word, printable and bounded, for messages and logs. */
  static String text(Response response) {
    response.reset();
    String rest = response.getRest();
    response.reset();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < rest.length() && out.length() < MAX_TEXT; i++) {
      char c = rest.charAt(i);
      out.append(c < 0x20 || c > 0x7e ? '?' : c);
    }
    return out.toString();
  }

  /** "[LIMIT] ..." -> "LIMIT"; "" without a code. */
  static String responseCode(String text) {
    if (!text.startsWith("[")) {
      return "";
    }
    int end = 1;
    while (end < text.length() && text.charAt(end) != ']' && text.charAt(end) != ' ') {
      end++;
    }
    return text.substring(1, end).toUpperCase(Locale.ROOT);
  }

  private static Duration backoff(String text) {
    Matcher m = EXCHANGE_BACKOFF.matcher(text);
    return m.find() ? Duration.ofMillis(Long.parseLong(m.group(1))) : null;
  }
}
