package dovetail.proxy.launch;

import dovetail.proxy.cli.DovetailCommand;
import dovetail.proxy.cli.TextEncoding;
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
    if (BatchJvm.isBatchJvm()) {
      BatchJvm.stopWithLauncher();
      // DovetailCommand.main, with the exit code recorded before the JVM writes a class archive at exit and may fail
      TextEncoding.outputInUtf8();
      int exit = DovetailCommand.newCommandLine(args).execute(args);
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
}
