package dovetail.proxy.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "sweeper", mixinStandardHelpOptions = true, description = "Pause, resume or show the background sweeper: sweeper pause|resume|status.")
final class SweeperCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Parameters(arity = "1", description = "pause, resume or status")
  String action;

  @Override
  public Integer call() {
    return NotYetAvailable.report(spec);
  }
}
