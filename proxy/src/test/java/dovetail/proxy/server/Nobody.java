package dovetail.proxy.server;

import dovetail.proxy.cli.DovetailCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a child JVM as nobody (uid and gid 65534), for what file modes change only for a user who is not root: a
 * folder chmod 000 is readable by root. The child needs its classpath where nobody can read it (the Maven repository
 * is under root's home), so it is copied under a directory of the test's; that directory, the store and the
 * configuration are handed to nobody with {@link #own}.
 */
public final class Nobody {
  public static final int UID = 65534;
  private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

  private Nobody() {}

  /** Why a child cannot be run as nobody here, or null when it can (root, with setpriv). */
  public static String whyNot() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "not root: cannot start a child as nobody (and as this user file modes apply already)";
    }
    return Files.isExecutable(SETPRIV) ? null : "no " + SETPRIV + " to start a child as nobody";
  }

  /** What a {@link #dovetail} command printed (stdout and stderr together), and its exit code. */
  public record Run(int exit, String output) {}

  /** {@code dovetail ARGS} in a child JVM run as nobody, on a {@code classpath} from {@link #classpathIn}. */
  public static Run dovetail(String classpath, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(prefix());
    command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-cp",
        classpath, DovetailCommand.class.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("dovetail " + String.join(" ", args) + " did not end within 60 s:\n" + output);
    }
    return new Run(p.exitValue(), output);
  }

  /** The command prefix that runs what follows as nobody, without root's groups. */
  static List<String> prefix() {
    return List.of(SETPRIV.toString(), "--reuid=" + UID, "--regid=" + UID, "--clear-groups");
  }

  /**
   * This JVM's classpath, copied under {@code into} (created), since nobody could not read it where it is; the caller
   * hands {@code into} to nobody ({@link #own}).
   */
  public static String classpathIn(Path into) throws IOException {
    Files.createDirectories(into);
    List<String> entries = new ArrayList<>();
    int i = 0;
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path from = Path.of(entry);
      if (!Files.exists(from)) {
        continue;
      }
      Path to = into.resolve(i++ + "-" + from.getFileName());
      copyTree(from, to);
      entries.add(to.toString());
    }
    return String.join(java.io.File.pathSeparator, entries);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }

  /** chown -R nobody:nogroup {@code tree} (a test's own temporary directory, so nobody can reach what is in it). */
  public static void own(Path tree) {
    run("chown", "-R", UID + ":" + UID, tree.toString());
  }

  /** chmod {@code mode} {@code path}. */
  public static void chmod(String mode, Path path) {
    run("chmod", mode, path.toString());
  }

  private static void run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
