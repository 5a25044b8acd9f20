package dovetail.migrator.source;

import dovetail.store.dovecot.DovecotServer;
import java.nio.file.Path;

/**
 * Real Dovecot 2.3 as the legacy server, through the store's test harness: user "alice", master user
 * "master" (Dovecot's {@code auth_master_user_separator = *}), separator '/', SPECIAL-USE folders.
 */
final class DovecotFixture implements LegacyServerFixture {
  static final String MASTER = "master";
  static final String MASTER_PASSWORD = "master-secret";
  private final DovecotServer dovecot;

  private DovecotFixture(DovecotServer dovecot) {
    this.dovecot = dovecot;
  }

  static DovecotFixture start(Path workDir) {
    return start(workDir, "");
  }

  /** @param extraConfig appended to dovecot.conf, e.g. a different namespace */
  static DovecotFixture start(Path workDir, String extraConfig) {
    DovecotServer.Builder builder = DovecotServer.builder(workDir).user("alice", "secret")
        .masterUser(MASTER, MASTER_PASSWORD);
    if (!extraConfig.isEmpty()) {
      builder.extraConfig(extraConfig);
    }
    return new DovecotFixture(builder.start());
  }

  DovecotServer dovecot() {
    return dovecot;
  }

  @Override
  public String host() {
    return dovecot.host();
  }

  @Override
  public int port() {
    return dovecot.imapPort();
  }

  @Override
  public String user() {
    return "alice";
  }

  @Override
  public String password() {
    return "secret";
  }

  @Override
  public char separator() {
    return '/';
  }

  @Override
  public void close() {
    dovecot.close();
  }
}
