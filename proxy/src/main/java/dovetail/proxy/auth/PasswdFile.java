package dovetail.proxy.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Dovecot passwd-file: {@code user:password:uid:gid:gecos:home:shell:extra_fields}, one user a line, '#'
 * comments. Only the first two fields matter here. Like Dovecot, the file is read again when it changes, so
 * adding a user needs no restart; if it cannot be read, the last good copy stays in use.
 */
final class PasswdFile {
  private static final Logger LOG = LoggerFactory.getLogger(PasswdFile.class);

  private final Path path;
  private Map<String, String> passwords = Map.of();
  private FileTime loadedAt;

  PasswdFile(Path path) {
    this.path = path;
    reloadIfChanged();
  }

  /** The stored password value ({@code {SCHEME}data}) of {@code user}, if the file has the user. */
  synchronized Optional<String> password(String user) {
    reloadIfChanged();
    return Optional.ofNullable(passwords.get(user));
  }

  private void reloadIfChanged() {
    try {
      FileTime modified = Files.getLastModifiedTime(path);
      if (modified.equals(loadedAt)) {
        return;
      }
      passwords = parse(Files.readAllLines(path, StandardCharsets.UTF_8));
      loadedAt = modified;
      LOG.info("passwd-file {}: {} users", path, passwords.size());
    } catch (IOException e) {
      LOG.warn("passwd-file {} cannot be read ({}); keeping the previous {} users", path, e.toString(), passwords.size());
    }
  }

  static Map<String, String> parse(List<String> lines) {
    Map<String, String> out = new HashMap<>();
    for (String line : lines) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      int colon = trimmed.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String user = trimmed.substring(0, colon);
      String rest = trimmed.substring(colon + 1);
      int next = rest.indexOf(':');
      out.putIfAbsent(user, next < 0 ? rest : rest.substring(0, next));
    }
    return out;
  }
}
