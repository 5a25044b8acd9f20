package dovetail.proxy.cli;

import dovetail.conf.Settings;
import dovetail.migrator.copy.Backup;
import dovetail.migrator.copy.ConnectionLimiter;
import dovetail.migrator.copy.FolderResult;
import dovetail.migrator.copy.LateMailMerge;
import dovetail.migrator.copy.MigrationListener;
import dovetail.migrator.copy.Progress;
import dovetail.migrator.copy.SkeletonResult;
import dovetail.migrator.copy.UserResult;
import dovetail.migrator.source.LegacyException;
import dovetail.proxy.admin.FolderNotes;
import dovetail.proxy.handover.HandoverMarker;
import dovetail.store.MailLocation;
import dovetail.store.StoreException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * {@code backup -c FILE -u USER [-f FOLDER]...}: the offline migration of one user, like Dovecot's
 * {@code doveadm backup -R -u USER imapc:}. Exit 0 only when everything asked for is in the store; 2 when
 * the run must be repeated (the reason is the last line on stderr); 78 for a configuration mistake.
 */
@Command(name = "backup", mixinStandardHelpOptions = true,
    description = "Migrate one user (or some folders) from the legacy server into the store, offline.")
final class BackupCommand implements Callable<Integer> {
  static final int EXIT_COMPLETE = 0;
  static final int EXIT_REPEAT = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin ConfigOptions config;

  @CommandLine.Option(names = "-u", converter = UserNameConverter.class, required = true, description = "user")
  String user;

  @CommandLine.Option(names = "-f", description = "folder (repeatable): the local name, or the legacy one")
  List<String> folders = new ArrayList<>();

  @CommandLine.Option(names = "--skip-undeliverable", description = "give up on messages the legacy server "
      + "cannot deliver (after retries) and finish their folders without them; they are recorded and reported")
  boolean skipUndeliverable;

  @CommandLine.Option(names = {"-j", "--parallel"}, paramLabel = "N", defaultValue = "2", description = "folders "
      + "migrated at once, each over its own legacy connection (at most legacy_max_connections; default ${DEFAULT-VALUE}; "
      + "1 = a single connection, as doveadm backup)")
  int parallel;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    Settings settings = config.load(err);
    Clock clock = Clock.systemUTC();
    Backup backup;
    try {
      if (parallel < 1) {
        throw new IllegalArgumentException("--parallel must be at least 1");
      }
      Optional<String> handedOver = HandoverMarker.refusal(MailLocation.parse(settings.store().mailLocation()), user);
      if (handedOver.isPresent()) {
        throw new IllegalArgumentException(handedOver.get());
      }
      int connections = Math.min(parallel, settings.migration().maxConnectionsPerHost());
      backup = Backup.of(settings, user, o -> o.withSkipUndeliverable(skipUndeliverable).withParallelFolders(connections),
          new ConnectionLimiter(settings.migration().maxConnectionsPerHost()), clock);
    } catch (IllegalArgumentException e) {
      err.println("dovetail backup: " + e.getMessage());
      err.flush();
      return ConfigOptions.EXIT_CONFIG;
    } catch (StoreException e) {
      err.println("dovetail backup: " + e.getMessage());
      err.flush();
      return EXIT_REPEAT;
    }
    Terminal terminal = new Terminal(out, System.console() != null, clock);
    Set<String> completeBefore = backup.completeFolders();
    UserResult result = backup.run(folders, terminal);
    terminal.summary(result);
    if (!result.complete()) {
      err.println("dovetail backup: " + user + " is not completely migrated; run backup again. " + reason(result));
      err.flush();
      return EXIT_REPEAT;
    }
    String late = mergeLateMail(backup, completeBefore, result, out);
    if (!late.isEmpty()) {
      err.println("dovetail backup: " + user + ": mail that reached the legacy server after the migration is not"
          + " all in the store. " + late);
      err.flush();
      return EXIT_REPEAT;
    }
    return EXIT_COMPLETE;
  }

  /**
   * Folders that were complete before this run are checked for mail that reached the legacy server since, as
   * {@code doveadm backup} would copy it (walk-through 17, F5). One line per folder that merged or could not be
   * checked. Returns the first problem another run can mend (a late message not fetched, the legacy server gone), or
   * "": a folder whose check is refused (its legacy folder gone or made again there) stays so whatever is run again,
   * so it is a line here (and in status and verify), not a failed backup (review 21, F3).
   */
  private static String mergeLateMail(Backup backup, Set<String> completeBefore, UserResult result, PrintWriter out) {
    Set<String> check = new TreeSet<>();
    for (FolderResult f : result.folders()) {
      if (completeBefore.contains(f.folder())) {
        check.add(f.folder());
      }
    }
    List<LateMailMerge.Result> merged;
    try {
      merged = backup.mergeLateMail(check);
    } catch (LegacyException e) {
      return "legacy server: " + e.getMessage();
    }
    String first = "";
    for (LateMailMerge.Result r : merged) {
      if (r.merged() > 0) {
        out.println(r.folder() + ": " + r.merged() + " late message" + (r.merged() == 1 ? "" : "s")
            + " merged (arrived on the legacy server after its migration)");
      }
      if (!r.problem().isEmpty() && !r.checked()) {
        out.println(r.folder() + ": late mail not checked: " + r.problem());
      } else if (!r.problem().isEmpty()) {
        out.println(r.folder() + ": late mail: " + r.problem());
        first = first.isEmpty() ? r.folder() + ": " + r.problem() : first;
      }
    }
    out.flush();
    return first;
  }

  /** The first thing that kept the run from completing, in one line. */
  private static String reason(UserResult r) {
    if (r.abortReason().isPresent()) {
      return r.abortReason().get();
    }
    for (FolderResult f : r.incomplete()) {
      return f.folder() + ": " + f.reason();
    }
    return r.problems().isEmpty() ? "" : r.problems().get(0);
  }

  /** Progress on the terminal: one line per folder and a summary, plus a live line on a TTY. */
  static final class Terminal implements MigrationListener {
    private static final long LIVE_EVERY_MILLIS = 250;
    private static final long LOG_EVERY_MILLIS = 10_000;

    private final PrintWriter out;
    private final boolean tty;
    private final Clock clock;
    private long lastLine;
    private int liveWidth;

    Terminal(PrintWriter out, boolean tty, Clock clock) {
      this.out = out;
      this.tty = tty;
      this.clock = clock;
    }

    @Override
    public void skeletonReady(SkeletonResult skeleton, int count) {
      out.println("folders: " + count + " to migrate" + (skeleton.created().isEmpty() ? ""
          : ", " + skeleton.created().size() + " created now"));
      for (String problem : skeleton.problems()) {
        out.println("  ! " + problem);
      }
      for (String notice : skeleton.notices()) {
        out.println("  ! " + notice);
      }
      for (String folder : skeleton.deletedHere()) {
        out.println(folder + ": deleted here since it was set up; not migrated again (name it with -f to migrate it"
            + " again)");
      }
      out.flush();
    }

    @Override
    public void progress(Progress p) {
      long now = clock.millis();
      if (now - lastLine < (tty ? LIVE_EVERY_MILLIS : LOG_EVERY_MILLIS)) {
        return;
      }
      lastLine = now;
      String line = "[" + p.folderIndex() + "/" + p.folderCount() + "] " + p.folder() + ": " + p.messagesDone() + "/"
          + p.messagesTotal() + " msgs, " + mb(p.bytesDone()) + (p.bytesTotal() > 0 ? "/" + mb(p.bytesTotal()) : "")
          + " MB, " + rate(p) + p.folderEta().map(eta -> ", ETA " + clockTime(eta)).orElse("");
      if (tty) {
        out.print("\r" + pad(line));
        liveWidth = line.length();
      } else {
        out.println(line);
      }
      out.flush();
    }

    @Override
    public void folderFinished(FolderResult r) {
      clearLive();
      String state = switch (r.outcome()) {
        case COMPLETE -> "complete";
        case PARTIAL -> "PARTIAL: " + r.reason();
        case FAILED -> "FAILED: " + r.reason();
        case NOT_ATTEMPTED -> "not attempted: " + r.reason();
      };
      out.println(r.folder() + ": " + state + (r.messages() > 0 ? " (" + r.messages() + " msgs, " + mb(r.bytes())
          + " MB copied)" : ""));
      for (String note : FolderNotes.lines(r.complete(), r.undeliverable().stream().map(Object::toString).toList(),
          r.warnings())) {
        out.println("  " + note);
      }
      out.flush();
    }

    @Override
    public void retrying(String reason, Duration delay, int attempt) {
      clearLive();
      out.println("legacy server: " + reason + "; reconnecting in " + delay.toMillis() + " ms (attempt " + attempt + ")");
      out.flush();
    }

    void summary(UserResult r) {
      clearLive();
      for (String problem : r.problems()) {
        out.println("  ! " + problem);
      }
      long complete = r.folders().stream().filter(FolderResult::complete).count();
      double seconds = Math.max(1e-3, r.elapsed().toNanos() / 1e9);
      out.println(r.user() + ": " + (r.complete() ? "complete" : "INCOMPLETE") + ", " + complete + "/"
          + r.folders().size() + " folders complete, " + r.messages() + " messages and " + mb(r.bytes())
          + " MB copied in " + clockTime(r.elapsed()) + String.format(Locale.ROOT, " (%.0f msgs/s, %.1f MB/s)",
          r.messages() / seconds, r.bytes() / 1e6 / seconds));
      r.abortReason().ifPresent(a -> out.println("  stopped: " + a));
      out.flush();
    }

    private void clearLive() {
      if (tty && liveWidth > 0) {
        out.print("\r" + " ".repeat(liveWidth) + "\r");
        liveWidth = 0;
      }
    }

    private String pad(String line) {
      return line.length() >= liveWidth ? line : line + " ".repeat(liveWidth - line.length());
    }

    private static String rate(Progress p) {
      return String.format(Locale.ROOT, "%.1f MB/s, %.0f msgs/s", p.bytesPerSecond() / 1e6, p.messagesPerSecond());
    }

    private static String mb(long bytes) {
      return String.format(Locale.ROOT, "%.1f", bytes / 1e6);
    }

    private static String clockTime(Duration d) {
      long s = d.toSeconds();
      return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
          : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
  }
}
