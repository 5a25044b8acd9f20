package dovetail.proxy.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the IMAP, POP3 and LMTP server.")
final class ServeCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = {"-c", "--config"}, required = true, description = "configuration file")
  java.nio.file.Path config;

  @CommandLine.Option(names = "-o", description = "override a setting: key=value")
  java.util.List<String> overrides = new java.util.ArrayList<>();

  @Override
  public Integer call() {
    return NotYetAvailable.report(spec);
  }
}
