package dovetail.proxy.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "backup", mixinStandardHelpOptions = true, description = "Migrate one user (or some folders) from the legacy server into the store, offline.")
final class BackupCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin ConfigOptions config;

  @CommandLine.Option(names = "-u", required = true, description = "user")
  String user;

  @CommandLine.Option(names = "-f", description = "folder (repeatable)")
  java.util.List<String> folders = new java.util.ArrayList<>();

  @Override
  public Integer call() {
    config.load(spec.commandLine().getErr());
    return NotYetAvailable.report(spec);
  }
}
