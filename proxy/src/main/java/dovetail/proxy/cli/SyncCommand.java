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
 * {@code sync -1 -u USER [-f FOLDER]...}: the running server checks the user's migrated folders for mail that still
 * reached the legacy server after their migration, and merges it now (issue #8; Dovecot's {@code doveadm sync -1},
 * one-way). Without {@code -f} it also migrates the legacy folders made since the user's skeleton, as {@code migrate}
 * does. Exit 0 when every folder was checked (and every such new one migrated), 1 when some could not be, 2 when the
 * server cannot be reached or refuses.
 */
@Command(
    name = "sync",
    mixinStandardHelpOptions = true,
    description = "Merge mail that reached the legacy server after migration into the migrated folders now (one-way).")
final class SyncCommand implements Callable<Integer> {
  static final int EXIT_CHECKED = 0;
  static final int EXIT_INCOMPLETE = 1;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin AdminSocketOptions admin;

  @CommandLine.Option(names = "-1", required = true,
      description = "one-way, legacy to Dovetail (the only direction; as in doveadm sync -1)")
  boolean oneWay;

  @CommandLine.Option(names = "-u", converter = UserNameConverter.class,
      required = true, paramLabel = "USER", description = "user")
  String user;

  @CommandLine.Option(names = "-f", paramLabel = "FOLDER", description = "folder (repeatable; default: every migrated folder)")
  List<String> folders = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    JsonNode result;
    try {
      result = new AdminClient(admin.socket()).sync(user, folders, progress -> {
        out.println(AdminText.syncProgress(progress));
        out.flush();
      });
    } catch (AdminException e) {
      return admin.fail(e.getMessage());
    }
    AdminText.synced(result).forEach(out::println);
    out.flush();
    boolean allChecked = !result.hasNonNull("abort_reason") && result.path("problems").isEmpty();
    for (JsonNode f : result.path("folders")) {
      allChecked &= f.path("checked").asBoolean() && f.path("problem").asText().isEmpty();
    }
    for (JsonNode f : result.path("new_folders")) { // made on the legacy server since the skeleton
      allChecked &= f.path("outcome").asText().equals("complete");
    }
    return allChecked ? EXIT_CHECKED : EXIT_INCOMPLETE;
  }
}
