package dovetail.proxy.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "status", mixinStandardHelpOptions = true, description = "Per-user and per-folder migration state.")
final class StatusCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = "-u", description = "user")
  String user;

  @CommandLine.Option(names = "--json", description = "machine-readable output")
  boolean json;

  @Override
  public Integer call() {
    return NotYetAvailable.report(spec);
  }
}
