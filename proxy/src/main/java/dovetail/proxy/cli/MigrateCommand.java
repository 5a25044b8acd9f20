package dovetail.proxy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dovetail.proxy.admin.AdminClient;
import dovetail.proxy.admin.AdminException;
import dovetail.proxy.admin.AdminText;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code migrate -u USER [-f FOLDER]... [--wait]}: the running server migrates the user now, ahead of the sweeper.
 * Without {@code --wait} it returns once the run started (the user has a skeleton), or with the outcome of a run that
 * ended first. With it, it prints progress and the outcome. It exits 0 when the run started or everything asked for
 * is complete, 1 when not; 67 when the legacy server refused the user's login (no such user there); 2 when the server
 * cannot be reached or answers an error.
 * Stopping the command (Ctrl-C) stops the watching, not the migration.
 */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description = "Force one user's migration now, through the running server's admin socket.")
final class MigrateCommand implements Callable<Integer> {
  static final int EXIT_COMPLETE = 0;
  static final int EXIT_INCOMPLETE = 1;
  /** sysexits' EX_NOUSER: the legacy server refused the user; unlike 1, running it again will not help. */
  static final int EXIT_NO_USER = 67;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin AdminSocketOptions admin;

  @CommandLine.Option(names = "-u", converter = UserNameConverter.class,
      required = true, paramLabel = "USER", description = "user")
  String user;

  @CommandLine.Option(names = "-f", paramLabel = "FOLDER", description = "folder (repeatable; default: every folder not yet complete)")
  List<String> folders = new ArrayList<>();

  @CommandLine.Option(names = "--wait", description = "wait until the migration is done, showing its progress")
  boolean await;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    JsonNode result;
    try {
      result = new AdminClient(admin.socket()).migrate(user, folders, await, progress -> {
        out.println(AdminText.progress(progress));
        out.flush();
      });
    } catch (AdminException e) {
      return admin.fail(e.getMessage());
    }
    if (result.path("started").asBoolean()) {
      out.println(AdminText.started(result));
      out.flush();
      return EXIT_COMPLETE;
    }
    AdminText.migrated(result).forEach(out::println);
    out.flush();
    if (result.path("login_refused").asBoolean()) {
      return EXIT_NO_USER;
    }
    return result.path("complete").asBoolean() ? EXIT_COMPLETE : EXIT_INCOMPLETE;
  }
}
