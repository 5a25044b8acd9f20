package dovetail.proxy.auth;

import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code master_passdb = passwd-file:/path}: the master users and their passwords (Dovecot's passwd-file format
 * and schemes). Empty when there are no master users. A master user's password opens any user's mailbox, and
 * only that: on its own it is not a login (as with Dovecot's {@code master = yes} passdb).
 */
final class MasterPasswords {
  static final MasterPasswords NONE = new MasterPasswords(null, null);

  private final PasswdFile file;
  private final FailedLogins failed;

  private MasterPasswords(PasswdFile file, FailedLogins failed) {
    this.file = file;
    this.failed = failed;
  }

  static MasterPasswords of(Optional<Path> file, FailedLogins failed) {
    return file.map(f -> new MasterPasswords(new PasswdFile(f), failed)).orElse(NONE);
  }

  boolean isMaster(String name) {
    return file != null && file.password(name).isPresent();
  }

  /** True when {@code master} is a master user with this password; otherwise refused like any failed login. */
  boolean check(String master, String password, String asUser) {
    String who = master + " (master user, for " + asUser + ")";
    Optional<String> stored = file == null ? Optional.empty() : file.password(master);
    if (stored.isEmpty()) {
      return failed.refuse(who, "not a master user");
    }
    return switch (PasswordSchemes.verify(stored.get(), password)) {
      case MATCH -> true;
      case MISMATCH -> failed.refuse(who, "wrong password");
      case UNSUPPORTED -> failed.refuse(who, "unsupported password scheme in the master passdb");
    };
  }
}
