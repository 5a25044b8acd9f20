package dovetail.proxy.auth;

import dovetail.conf.FsyncMode;
import dovetail.store.MailLocation;
import dovetail.store.MailStore;
import dovetail.store.StoreOptions;
import dovetail.store.maildir.MaildirStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import org.apache.commons.codec.digest.Crypt;

/**
 * The salted slow hash of a user's password that {@code passdb = legacy} keeps after the legacy server accepted
 * it, so that the user can still log in while the legacy server is unreachable, or after it is gone. It lives in
 * the user's Maildir root as {@value #FILE}: one line, {@code {SHA512-CRYPT}$6$salt$hash} (glibc crypt with a
 * random 16-character salt and 5000 rounds, the scheme {@code doveadm pw -s SHA512-CRYPT} makes), mode 0600,
 * owned like the Maildir root. Dovecot ignores it: Maildir++ folders are the root's dot-directories.
 *
 * <p>It is replaced atomically (a temp file, then rename), so a reader sees the old hash or the new one, never
 * half a line, and a crash leaves at worst a stray temp file.
 */
final class StoredPasswordHash {
  static final String FILE = "dovetail-passdb";
  private static final String SCHEME = "{SHA512-CRYPT}";
  private static final String SALT_CHARS = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final MailLocation location;
  private final StoreOptions options;

  StoredPasswordHash(MailLocation location, StoreOptions options) {
    this.location = location;
    this.options = options;
  }

  /** The stored hash ({@code {SCHEME}...}), or empty when the user has none. Creates nothing. */
  Optional<String> read(String user) throws IOException {
    try {
      String line = Files.readString(location.rootFor(user).resolve(FILE), StandardCharsets.UTF_8).strip();
      return line.isEmpty() ? Optional.empty() : Optional.of(line);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Whether {@code password} matches the stored hash; MISMATCH when there is none. */
  PasswordSchemes.Result verify(String user, String password) throws IOException {
    Optional<String> stored = read(user);
    return stored.isEmpty() ? PasswordSchemes.Result.MISMATCH : PasswordSchemes.verify(stored.get(), password);
  }

  /**
   * Stores a fresh hash of {@code password}. The user's store is opened first, so that a first login creates the
   * Maildir root as the store creates it (with the store's ownership rules), not as a bare directory.
   */
  void write(String user, String password) throws IOException {
    MailStore store = MaildirStore.forUser(location, user, options);
    Path root = store.root();
    String line = SCHEME + Crypt.crypt(password.getBytes(StandardCharsets.UTF_8), "$6$" + salt()) + "\n";
    Path temp = root.resolve(FILE + ".tmp." + HexFormat.of().toHexDigits(RANDOM.nextLong()));
    try {
      // Created through the store: owned like the Maildir root (Dovecot serves the store as the mail user, and
      // Dovetail may run as root), mode 0600 from the start.
      try (FileChannel out = store.files().createNew(temp,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
        out.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)));
        if (options.fsync() != FsyncMode.NEVER) {
          out.force(true);
        }
      }
      try {
        Files.move(temp, root.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot replace " + root.resolve(FILE) + " atomically", e);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static String salt() {
    StringBuilder s = new StringBuilder(16);
    for (int i = 0; i < 16; i++) {
      s.append(SALT_CHARS.charAt(RANDOM.nextInt(SALT_CHARS.length())));
    }
    return s.toString();
  }
}
