package dovetail.store.maildir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** This machine's host name as `hostname` prints it: Dovecot compares it when judging a dotlock stale. */
final class HostName {
  private static final String NAME = read();

  private HostName() {}

  static String get() {
    return NAME;
  }

  /** Dovecot escapes '/' and ':' in the host part of filenames (maildir_filename_generate). */
  static String forFilename() {
    return NAME.replace("/", "\\057").replace(":", "\\072");
  }

  private static String read() {
    try {
      String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
      if (!name.isEmpty()) {
        return name;
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: fall through
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
