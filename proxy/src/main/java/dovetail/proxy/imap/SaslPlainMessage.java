package dovetail.proxy.imap;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The client's message of SASL PLAIN (RFC 4616: {@code [authzid] NUL authcid NUL passwd}, base64 on the wire), read
 * as UTF-8, as the RFC says. James decodes it with the JVM's default charset, which is ASCII in systemd's default
 * environment (no LANG): every non-ASCII password failed there (walk-through 16, F2), while LOGIN worked.
 *
 * @param authorizationId the user to act as, or empty when the client left it out or named itself
 */
record SaslPlainMessage(Optional<String> authorizationId, String authenticationId, String password) {
  /** Empty when the text is not base64 of three NUL-separated UTF-8 fields with a user and a password. */
  static Optional<SaslPlainMessage> decode(String base64) {
    String text;
    try {
      byte[] bytes = Base64.getDecoder().decode(base64.trim());
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (IllegalArgumentException | CharacterCodingException e) {
      return Optional.empty();
    }
    String[] fields = text.split("\0", -1);
    if (fields.length != 3 || fields[1].isEmpty() || fields[2].isEmpty()) {
      return Optional.empty();
    }
    boolean self = fields[0].isEmpty() || fields[0].equals(fields[1]);
    return Optional.of(new SaslPlainMessage(self ? Optional.empty() : Optional.of(fields[0]), fields[1], fields[2]));
  }
}
