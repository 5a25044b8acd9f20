package dovetail.migrator.service;

import dovetail.conf.ConfigLoader;
import dovetail.conf.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A service's settings for a legacy server on loopback with a master user: the lines every such test writes. */
final class LegacySettings {
  private LegacySettings() {}

  /** The store under {@code tmp/store/%n}; {@code lines}, then {@code more}, follow as they are (features, retries...). */
  static Settings of(Path tmp, int imapPort, String master, String masterPassword, List<String> lines, String... more)
      throws Exception {
    StringBuilder c = new StringBuilder("imapc_host = 127.0.0.1\nimapc_port = " + imapPort + "\n"
        + "imapc_master_user = " + master + "\nimapc_password = " + masterPassword + "\n"
        + "mail_location = maildir:" + tmp + "/store/%n\nmail_fsync = never\n");
    for (String line : lines) {
      c.append(line).append('\n');
    }
    for (String line : more) {
      c.append(line).append('\n');
    }
    return ConfigLoader.load(Files.writeString(tmp.resolve("dovetail.conf"), c.toString()), List.of());
  }
}
