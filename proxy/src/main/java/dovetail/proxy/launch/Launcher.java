package dovetail.proxy.launch;

import dovetail.proxy.cli.DovetailCommand;
import dovetail.proxy.cli.TextEncoding;
import dovetail.proxy.server.NewDirectories;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The jar's entry point ({@code java -jar proxy/target/dovetail.jar COMMAND}). The short offline commands
 * run in a second JVM started with options for short runs ({@link BatchJvm}); every other command, and
 * that second JVM itself, runs {@link DovetailCommand} here.
 */
public final class Launcher {
  private Launcher() {}

  public static void main(String[] args) {
    Optional<String> unreadable = TextEncoding.unreadableArguments();
    if (unreadable.isPresent()) {
      System.err.println("dovetail: " + unreadable.get());
      System.exit(2); // a usage error, before anything runs
    }
    privateTmpdirIfMissing();
    if (BatchJvm.isBatchJvm()) {
      BatchJvm.stopWithLauncher();
      // DovetailCommand.main, with the exit code recorded before the JVM writes a class archive at exit and may fail
      int exit = DovetailCommand.execute(args);
      ClassArchive.recordExit(exit);
      System.exit(exit);
    } else {
      Optional<BatchJvm> batch = BatchJvm.forCommand(args);
      if (batch.isPresent()) {
        System.exit(batch.get().run());
      }
    }
    DovetailCommand.main(args);
  }

  /**
   * A java.io.tmpdir that is not there is made now, owner-only: else Netty makes it (mkdirs) with the umask's mode,
   * world-writable under umask 000.
   */
  private static void privateTmpdirIfMissing() {
    String tmpdir = System.getProperty("java.io.tmpdir");
    if (tmpdir == null || tmpdir.isEmpty() || new File(tmpdir).isDirectory()) {
      return;
    }
    try {
      NewDirectories.create(Path.of(tmpdir), NewDirectories.ownerOnly());
    } catch (IOException | RuntimeException e) {
      // said where a command needs the directory (LMTP's temporary directory names java.io.tmpdir and why)
    }
  }
}
