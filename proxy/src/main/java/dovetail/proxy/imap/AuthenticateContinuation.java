package dovetail.proxy.imap;

import org.apache.james.imap.encode.ImapEncoder;
import org.apache.james.imap.message.response.AuthenticateResponse;

/**
 * AUTHENTICATE's empty challenge as RFC 3501 writes it, {@code "+" SP CRLF}, and as Dovecot sends it: James 3.8.1
 * sends {@code "+" CRLF}, which a strict client's parser rejects.
 */
final class AuthenticateContinuation {
  private AuthenticateContinuation() {}

  /** {@code james}, with AuthenticateResponse written as {@code "+ "}. */
  static ImapEncoder encoder(ImapEncoder james) {
    return (message, composer) -> {
      if (message instanceof AuthenticateResponse) {
        composer.continuationResponse("");
      } else {
        james.encode(message, composer);
      }
    };
  }
}
