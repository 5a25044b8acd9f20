package dovetail.proxy.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The `dovetail` command line: `java -jar proxy/target/dovetail.jar <command>`. */
@Command(
    name = "dovetail",
    mixinStandardHelpOptions = true,
    versionProvider = DovetailCommand.Version.class,
    description = "Zero-downtime IMAP/POP3 migration server over a Dovecot-compatible Maildir store.",
    subcommands = {
      ServeCommand.class,
      DemoCommand.class,
      BackupCommand.class,
      MigrateCommand.class,
      StatusCommand.class,
      SweeperCommand.class,
      SyncCommand.class,
      VerifyCommand.class,
      CommandLine.HelpCommand.class
    })
public final class DovetailCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  /** One place that builds the command line, so tests run exactly what `main` runs. */
  public static CommandLine newCommandLine() {
    return new CommandLine(new DovetailCommand()).setExecutionExceptionHandler(new ConfigOptions.ErrorHandler());
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = DovetailCommand.class.getPackage().getImplementationVersion();
      return new String[] {"dovetail " + (v == null ? "(development build)" : v)};
    }
  }
}
