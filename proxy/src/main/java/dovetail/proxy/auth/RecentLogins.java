package dovetail.proxy.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Passwords that the legacy server accepted a short while ago, so that a client that logs in every few seconds
 * does not cost a legacy round trip each time. What is kept is not the password: it is HMAC-SHA256 of a random
 * per-entry salt and the password, under a key that exists only in this process's memory. A heap dump therefore
 * gives nothing to test guesses against once the process is gone, and nothing that works elsewhere.
 *
 * <p>Within the time to live, a password changed on the legacy server still opens Dovetail with the old one, as
 * with Dovecot's auth_cache_ttl; a different password always asks the legacy server.
 */
final class RecentLogins {
  private static final String MAC = "HmacSHA256";
  private static final SecureRandom RANDOM = new SecureRandom();

  private record Entry(byte[] salt, byte[] mac) {}

  private final SecretKeySpec key;
  private final Cache<String, Entry> entries;

  RecentLogins(Duration timeToLive, long maximumUsers) {
    byte[] k = new byte[32];
    RANDOM.nextBytes(k);
    key = new SecretKeySpec(k, MAC);
    entries = Caffeine.newBuilder().expireAfterWrite(timeToLive).maximumSize(maximumUsers).build();
  }

  boolean matches(String user, String password) {
    Entry e = entries.getIfPresent(user);
    return e != null && MessageDigest.isEqual(e.mac(), mac(e.salt(), password));
  }

  void remember(String user, String password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    entries.put(user, new Entry(salt, mac(salt, password)));
  }

  private byte[] mac(byte[] salt, String password) {
    try {
      Mac mac = Mac.getInstance(MAC);
      mac.init(key);
      mac.update(salt);
      return mac.doFinal(password.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
    }
  }
}
