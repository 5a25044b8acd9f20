package dovetail.proxy.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "verify", mixinStandardHelpOptions = true, description = "Compare the legacy server and the store, message by message.")
final class VerifyCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = "-u", required = true, description = "user")
  String user;

  @Override
  public Integer call() {
    return NotYetAvailable.report(spec);
  }
}
