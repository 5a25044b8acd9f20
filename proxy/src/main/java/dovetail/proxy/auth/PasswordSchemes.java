package dovetail.proxy.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.codec.digest.Crypt;

/**
 * Dovecot's password schemes that Dovetail checks (doveadm pw -l names them). A stored value is
 * {@code {SCHEME}data}; without a scheme, Dovecot's passwd-file default is CRYPT, whose hash prefix ($6$, $5$,
 * $1$, $2y$) tells the algorithm. Comparisons take the same time whatever bytes differ.
 *
 * <ul>
 *   <li>PLAIN, CLEARTEXT: the password itself.
 *   <li>SHA512-CRYPT, SHA256-CRYPT, MD5-CRYPT, CRYPT: glibc crypt(3), by commons-codec's {@link Crypt}.
 *   <li>BLF-CRYPT: bcrypt ($2y$, $2a$, $2b$), by at.favre.lib's bcrypt.
 * </ul>
 */
final class PasswordSchemes {
  enum Result { MATCH, MISMATCH, UNSUPPORTED }

  private PasswordSchemes() {}

  static Result verify(String stored, String password) {
    String scheme = "CRYPT";
    String data = stored;
    if (stored.startsWith("{")) {
      int end = stored.indexOf('}');
      if (end < 0) {
        return Result.UNSUPPORTED;
      }
      scheme = stored.substring(1, end).toUpperCase(Locale.ROOT);
      data = stored.substring(end + 1);
    }
    return switch (scheme) {
      case "PLAIN", "CLEARTEXT" -> same(data.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
      case "SHA512-CRYPT", "SHA256-CRYPT", "MD5-CRYPT" -> crypt(data, password);
      case "BLF-CRYPT" -> bcrypt(data, password);
      case "CRYPT" -> data.startsWith("$2") ? bcrypt(data, password) : crypt(data, password);
      default -> Result.UNSUPPORTED;
    };
  }

  /** The scheme name of a stored value, for messages (never the hash). */
  static Optional<String> schemeOf(String stored) {
    int end = stored.indexOf('}');
    return stored.startsWith("{") && end > 0 ? Optional.of(stored.substring(1, end)) : Optional.empty();
  }

  private static Result crypt(String hash, String password) {
    if (hash.isEmpty()) {
      return Result.MISMATCH;
    }
    try {
      String computed = Crypt.crypt(password.getBytes(StandardCharsets.UTF_8), hash);
      return same(computed.getBytes(StandardCharsets.US_ASCII), hash.getBytes(StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      return Result.UNSUPPORTED;
    }
  }

  private static Result bcrypt(String hash, String password) {
    try {
      return BCrypt.verifyer().verify(password.toCharArray(), hash.toCharArray()).verified ? Result.MATCH : Result.MISMATCH;
    } catch (IllegalArgumentException e) {
      return Result.UNSUPPORTED;
    }
  }

  private static Result same(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b) ? Result.MATCH : Result.MISMATCH;
  }
}
