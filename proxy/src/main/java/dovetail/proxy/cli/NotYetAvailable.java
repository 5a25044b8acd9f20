package dovetail.proxy.cli;

import picocli.CommandLine;

/** What a command that a later release fills in answers today: a clear line and exit code 2. */
final class NotYetAvailable {
  static final int EXIT_CODE = 2;

  private NotYetAvailable() {}

  static int report(CommandLine.Model.CommandSpec spec) {
    spec.commandLine().getErr().println("dovetail " + spec.name() + ": not yet available in this build");
    return EXIT_CODE;
  }
}
