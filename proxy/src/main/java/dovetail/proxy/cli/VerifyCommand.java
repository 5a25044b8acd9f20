package dovetail.proxy.cli;

import dovetail.conf.Settings;
import dovetail.migrator.source.LegacyException;
import dovetail.migrator.verify.Difference;
import dovetail.migrator.verify.UserVerifier;
import dovetail.migrator.verify.VerifyReport;
import dovetail.store.StoreException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code verify -c FILE -u USER}: the legacy server and the store compared message by message. It reads
 * both directly (no running server needed). Exit 0 when they agree, 1 with the differences listed, 2 when the
 * comparison could not be made.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Compare the legacy server and the store, message by message (UID, size, date, flags, sha256).")
final class VerifyCommand implements Callable<Integer> {
  static final int EXIT_SAME = 0;
  static final int EXIT_DIFFERENT = 1;
  static final int EXIT_FAILED = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin ConfigOptions config;

  @CommandLine.Option(names = "-u", converter = UserNameConverter.class, required = true, description = "user")
  String user;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Settings settings = config.load(err);
    VerifyReport report;
    try {
      report = UserVerifier.of(settings, user).verify(user);
    } catch (LegacyException | StoreException | IllegalArgumentException e) {
      err.println("dovetail verify: " + user + ": " + e.getMessage());
      err.flush();
      return EXIT_FAILED;
    }
    for (Difference d : report.differences()) {
      out.println(d);
    }
    // By design, not differences: say where each went, so an operator can follow the messages.
    for (Difference d : report.renumbered()) {
      out.println(d);
    }
    out.printf(Locale.ROOT, "%s: %d folders, %d messages compared, %d new in the store since migration, %s%s%d differences%n",
        user, report.folders(), report.compared(), report.localOnly(), report.renumbered().isEmpty() ? ""
            : report.renumbered().size() + " under new UIDs by design (not differences), ", usersWork(report),
        report.differences().size());
    out.flush();
    return report.clean() ? EXIT_SAME : EXIT_DIFFERENT;
  }

  /** What users did through Dovetail since the migration, which is why those messages differ; empty when nothing. */
  private static String usersWork(VerifyReport report) {
    if (report.flagsChangedHere() == 0 && report.expungedHere() == 0) {
      return "";
    }
    return report.flagsChangedHere() + " with flags changed and " + report.expungedHere()
        + " expunged by users through Dovetail since migration (not differences), ";
  }
}
