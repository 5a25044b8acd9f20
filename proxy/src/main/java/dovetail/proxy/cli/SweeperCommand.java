package dovetail.proxy.cli;

import dovetail.proxy.admin.AdminClient;
import dovetail.proxy.admin.AdminException;
import dovetail.proxy.admin.AdminText;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sweeper pause|resume|status} through the admin socket; each prints the sweeper's status afterwards.
 * Pausing lets the folders being migrated finish. Exit 0 with an answer, 2 without one.
 */
@Command(name = "sweeper", mixinStandardHelpOptions = true, description = "Pause, resume or show the background sweeper: sweeper pause|resume|status.")
final class SweeperCommand implements Callable<Integer> {
  private static final List<String> ACTIONS = List.of("pause", "resume", "status");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin AdminSocketOptions admin;

  @CommandLine.Parameters(arity = "1", description = "pause, resume or status")
  String action;

  @Override
  public Integer call() {
    if (!ACTIONS.contains(action)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "expected pause, resume or status, found '" + action + "'");
    }
    String answer;
    try {
      answer = AdminText.sweeper(new AdminClient(admin.socket()).sweeper(action));
    } catch (AdminException e) {
      return admin.fail(e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(answer);
    out.flush();
    return 0;
  }
}
