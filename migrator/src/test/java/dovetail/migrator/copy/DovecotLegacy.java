package dovetail.migrator.copy;

import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Real Dovecot 2.3 on both sides of a migration: the legacy server (its Maildir written by the store
 * before it starts, with a master user), and the judge that serves the migrated store.
 */
final class DovecotLegacy {
  static final String USER = "alice";
  static final String PASSWORD = "secret";
  static final String MASTER = "master";
  static final String MASTER_PASSWORD = "master-secret";

  private DovecotLegacy() {}

  /** @param writeMaildir writes the user's Maildir (its root is passed) before Dovecot starts */
  static DovecotServer start(Path workDir, Consumer<Path> writeMaildir, String extraConfig) {
    DovecotServer.assumeInstalled();
    writeMaildir.accept(DovecotServer.maildir(workDir, USER));
    DovecotServer.Builder b = DovecotServer.builder(workDir).user(USER, PASSWORD).masterUser(MASTER, MASTER_PASSWORD)
        .autoCreateSpecialUse(false);
    if (!extraConfig.isEmpty()) {
      b.extraConfig(extraConfig);
    }
    return b.start();
  }

  /** A Dovecot whose user's Maildir is {@code workDir/home/alice/Maildir}, where the backup wrote. */
  static DovecotServer judge(Path workDir) {
    return DovecotServer.builder(workDir).user(USER, PASSWORD).autoCreateSpecialUse(false).start();
  }

  /** Where a backup must write so that {@link #judge} serves it: {@code maildir:<dir>/home/%n/Maildir}. */
  static String mailLocation(Path judgeDir) {
    return "maildir:" + judgeDir.toAbsolutePath() + "/home/%n/Maildir";
  }

  /** A Dovetail configuration for migrating from {@code port} with the master user. */
  static Path conf(Path file, int port, String mailLocation, String... extraLines) {
    StringBuilder c = new StringBuilder();
    c.append("imapc_host = 127.0.0.1\nimapc_port = ").append(port).append('\n');
    c.append("imapc_master_user = ").append(MASTER).append("\nimapc_password = ").append(MASTER_PASSWORD).append('\n');
    c.append("imapc_features = rfc822.size\n");
    c.append("imapc_connection_retry_count = 3\nimapc_connection_retry_interval = 20 ms\n");
    c.append("mail_location = ").append(mailLocation).append('\n');
    c.append("mail_fsync = never\n");
    for (String line : extraLines) {
      c.append(line).append('\n');
    }
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, c.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Every folder a server shows, examined: {@code names} maps the name to use on that server to a key. */
  static Map<String, Views.FolderView> views(DovecotServer server, String user, Map<String, String> names) {
    Map<String, Views.FolderView> out = new LinkedHashMap<>();
    try (ImapProbe probe = ImapProbe.login(server, user)) {
      names.forEach((serverName, key) -> out.put(key, Views.imap(probe, serverName)));
    }
    return out;
  }

  static Map<String, String> identity(List<String> folders) {
    Map<String, String> m = new LinkedHashMap<>();
    folders.forEach(f -> m.put(f, f));
    return m;
  }
}
