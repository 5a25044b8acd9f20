package dovetail.proxy.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description = "Force one user's migration now, through the running server's admin socket.")
final class MigrateCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = "-u", required = true, description = "user")
  String user;

  @CommandLine.Option(names = "-f", description = "folder")
  String folder;

  @CommandLine.Option(names = "--wait", description = "wait until the migration is done")
  boolean await;

  @Override
  public Integer call() {
    return NotYetAvailable.report(spec);
  }
}
