package dovetail.proxy.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The `dovetail` command line: `java -jar proxy/target/dovetail.jar <command>`. */
@Command(
    name = "dovetail",
    mixinStandardHelpOptions = true,
    versionProvider = DovetailCommand.Version.class,
    description = "Zero-downtime IMAP/POP3 migration server over a Dovecot-compatible Maildir store.")
public final class DovetailCommand implements Runnable {
  /** The commands, in the order `dovetail --help` lists them (picocli's `help` comes last). */
  private static final List<Class<?>> COMMANDS = List.of(ServeCommand.class, DemoCommand.class, BackupCommand.class,
      MigrateCommand.class, StatusCommand.class, SweeperCommand.class, SyncCommand.class, VerifyCommand.class, HandoverCommand.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** What {@code main} runs, up to its exit code (the launcher records that code before it exits). */
  public static int execute(String[] args) {
    TextEncoding.outputInUtf8();
    return newCommandLine(args).execute(args);
  }

  /**
   * The command line for these arguments; one place that builds it, so tests run exactly what `main` runs. When the
   * first argument names a command, only that command is built: picocli builds every command it is given (reflection
   * over its options, the command object, its static fields), and `backup` should not pay for the other seven at
   * start-up (issue #4). Anything else (`--help`, `help COMMAND`, a mistyped command that deserves a suggestion, no
   * arguments) gets every command.
   */
  public static CommandLine newCommandLine(String... args) {
    CommandLine cli = new CommandLine(new DovetailCommand());
    Class<?> named = args.length == 0 ? null : named(args[0]);
    if (named != null) {
      cli.addSubcommand(named);
    } else {
      COMMANDS.forEach(cli::addSubcommand);
      cli.addSubcommand(CommandLine.HelpCommand.class);
    }
    // UTF-8 whatever the locale (TextEncoding); picocli's own writers would encode in the locale's charset.
    cli.setOut(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
    cli.setErr(new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
    return cli.setExecutionExceptionHandler(new ConfigOptions.ErrorHandler());
  }

  private static Class<?> named(String word) {
    for (Class<?> command : COMMANDS) {
      if (command.getAnnotation(Command.class).name().equals(word)) {
        return command;
      }
    }
    return null;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = DovetailCommand.class.getPackage().getImplementationVersion();
      return new String[] {"dovetail " + (v == null ? "(development build)" : v)};
    }
  }
}
