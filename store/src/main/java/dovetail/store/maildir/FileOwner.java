package dovetail.store.maildir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Who owns what the store creates. Dovecot serves a store as the mail user (never root), so when Dovetail
 * runs as root, every file and directory it creates takes the uid and gid of the Maildir root (or of its
 * nearest existing parent when the root is new). Otherwise files simply belong to the running user.
 */
final class FileOwner {
  static final FileOwner UNCHANGED = new FileOwner(-1, -1);

  private final int uid;
  private final int gid;

  private FileOwner(int uid, int gid) {
    this.uid = uid;
    this.gid = gid;
  }

  static FileOwner of(Path root) {
    Path p = root.toAbsolutePath();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    if (p == null || !runningAsRoot()) {
      return UNCHANGED;
    }
    try {
      int u = (Integer) Files.getAttribute(p, "unix:uid");
      int g = (Integer) Files.getAttribute(p, "unix:gid");
      return u == 0 ? UNCHANGED : new FileOwner(u, g);
    } catch (IOException | UnsupportedOperationException e) {
      return UNCHANGED;
    }
  }

  private static boolean runningAsRoot() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  void apply(Path p) throws IOException {
    if (uid < 0) {
      return;
    }
    Files.setAttribute(p, "unix:uid", uid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(p, "unix:gid", gid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }
}
