package dovetail.proxy.auth;

import java.nio.charset.StandardCharsets;

/**
 * The longest password Dovetail will check: 512 bytes of UTF-8. SHA-crypt ($5$, $6$) hashes the whole password
 * once per password byte, so its cost grows with the square of the length: a 1 MB "password" (the framer lets a
 * 1 MiB command through before login) is about 10^12 bytes of SHA-512, half an hour of CPU for one attempt by
 * anyone who knows a user or master user name. Measured with commons-codec at the default 5000 rounds: 8 bytes
 * 7 ms, 512 bytes 9 ms, 8 KiB 190 ms, 64 KiB 7.8 s. Real passwords are far shorter (password managers generate at
 * most 64-128 characters), and a POP3 command line carries at most 255 octets (RFC 2449 §4). Dovecot's own login
 * processes keep about 1-2 KB of a LOGIN command's arguments (LOGIN_MAX_INBUF_SIZE in login-common/client-common.h).
 */
final class PasswordLength {
  static final int MAX_BYTES = 512;

  private PasswordLength() {}

  /** True when the password is longer than {@link #MAX_BYTES} in UTF-8; a long one is never encoded whole. */
  static boolean tooLong(CharSequence password) {
    if (password.length() > MAX_BYTES) {
      return true; // every char is at least one byte
    }
    return password.toString().getBytes(StandardCharsets.UTF_8).length > MAX_BYTES;
  }
}
