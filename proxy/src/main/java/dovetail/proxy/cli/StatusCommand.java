package dovetail.proxy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dovetail.proxy.admin.AdminClient;
import dovetail.proxy.admin.AdminException;
import dovetail.proxy.admin.StatusTable;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code status [-u USER] [--json]} through the running server's admin socket: a table per user, or the JSON
 * document README.md documents. Exit 0 with an answer, 2 without one, 78 for a configuration mistake.
 */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Per-user and per-folder migration state.")
final class StatusCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin AdminSocketOptions admin;

  @CommandLine.Option(names = "-u", converter = UserNameConverter.class,
      paramLabel = "USER", description = "user (default: every known user)")
  String user;

  @CommandLine.Option(names = "--json", description = "machine-readable output (documented in README.md)")
  boolean json;

  @Override
  public Integer call() throws Exception {
    JsonNode doc;
    try {
      doc = new AdminClient(admin.socket()).status(Optional.ofNullable(user));
    } catch (AdminException e) {
      return admin.fail(e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      // Made here, not in a static field: picocli builds every command object at start-up, and an ObjectMapper
      // costs a few hundred classes that `backup` and the other commands never use.
      out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc));
    } else {
      StatusTable.render(doc, user != null).forEach(out::println);
    }
    out.flush();
    // Asked for by name, a user whose status cannot be read is an error, shown with its reason.
    return user != null && doc.path("users").path(0).hasNonNull("error") ? 2 : 0;
  }
}
