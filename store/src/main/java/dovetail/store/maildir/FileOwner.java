package dovetail.store.maildir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Who owns what the store creates. Dovecot serves a store as the mail user (never root), so when Dovetail
 * runs as root, every file and directory it creates takes the uid and gid of the Maildir root (or of its
 * nearest existing parent when the root is new). Otherwise files simply belong to the running user.
 *
 * <p>The root's owner is read again when the last look is older than {@link #RECHECK}: a store that an operator
 * chowns while serve runs gets its new owner within seconds (walk-through 6, W8: folders created after a chown stayed
 * root-owned until a restart, and Dovecot could not open them), at the cost of one stat per interval, not per file.
 */
final class FileOwner {
  static final FileOwner UNCHANGED = new FileOwner(null, Duration.ZERO);
  static final Duration RECHECK = Duration.ofSeconds(5);

  /** The uid and gid to give; null: leave files to the running user. */
  private record Ids(int uid, int gid) {}

  private final Path root;
  private final long recheckNanos;
  private volatile Ids ids;
  private volatile long readAt;

  private FileOwner(Path root, Duration recheck) {
    this.root = root;
    this.recheckNanos = recheck.toNanos();
  }

  static FileOwner of(Path root) {
    return of(root, RECHECK);
  }

  /** @param recheck how old a look at the root's owner may get */
  static FileOwner of(Path root, Duration recheck) {
    if (!runningAsRoot()) {
      return UNCHANGED;
    }
    FileOwner owner = new FileOwner(root.toAbsolutePath(), recheck);
    owner.ids = read(owner.root);
    owner.readAt = System.nanoTime();
    return owner;
  }

  private static Ids read(Path root) {
    Path p = root;
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    if (p == null) {
      return null;
    }
    try {
      int u = (Integer) Files.getAttribute(p, "unix:uid");
      int g = (Integer) Files.getAttribute(p, "unix:gid");
      return u == 0 ? null : new Ids(u, g);
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  private static boolean runningAsRoot() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  private Ids current() {
    if (root == null) {
      return null;
    }
    long now = System.nanoTime();
    if (now - readAt > recheckNanos) {
      ids = read(root);
      readAt = now;
    }
    return ids;
  }

  /** Whether new files get another owner than the running user's (as of the last look at the root). */
  boolean changes() {
    return current() != null;
  }

  void apply(Path p) throws IOException {
    Ids owner = current();
    if (owner == null) {
      return;
    }
    Files.setAttribute(p, "unix:uid", owner.uid(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(p, "unix:gid", owner.gid(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }
}
