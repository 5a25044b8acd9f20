package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The immutable attribute ({@code chattr +i}): a file or directory that even root cannot change, rename over or
 * add to. File modes do not stop root, and the tests run as root. Tests that need it are skipped where it cannot be
 * set (not root, no chattr, a file system without the attribute).
 */
final class Chattr {
  private Chattr() {}

  /** Sets +i on {@code path} and returns it; skips the calling test when that is not possible. */
  static Path immutable(Path path) throws IOException, InterruptedException {
    assumeTrue(run("+i", path), "chattr +i is not available here (needs root and a file system with the attribute)");
    return path;
  }

  static void mutable(Path path) throws IOException, InterruptedException {
    if (!run("-i", path)) {
      throw new IOException("chattr -i " + path + " failed");
    }
  }

  private static boolean run(String change, Path path) throws IOException, InterruptedException {
    if (!Files.exists(path)) {
      throw new IOException("no such file: " + path);
    }
    Process p;
    try {
      p = new ProcessBuilder("chattr", change, path.toString()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      return false; // no chattr
    }
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return false;
    }
    return p.exitValue() == 0;
  }
}
