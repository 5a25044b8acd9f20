import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A STORE over a whole large folder ("mark all as read", POP3's \Seen at QUIT of a long session), against
 * {@code dovetail serve} and a real Dovecot 2.3, each on its own copy of one generated folder, one after the other.
 * Per server: SELECT, an untimed {@code UID FETCH 1:* (FLAGS)}, then rounds of {@code STORE 1:* +FLAGS.SILENT (\Seen)},
 * {@code -FLAGS.SILENT (\Seen)}, {@code +FLAGS (\Flagged)} and {@code -FLAGS (\Flagged)} (these two answer one
 * FETCH per message), each timed from sending it to its tagged OK. Run it through bench/range-store.sh.
 *
 * <p>Arguments: {@code [--messages 20000] [--runs 3] [--only dovecot|dovetail] [--java-option OPT]...
 * [--setting "k = v"]... [--dir DIR]} (the options of {@link ImapLoadBench}; one user, one folder).
 */
public final class RangeStoreBench {
  private static final List<String> COMMANDS = List.of("STORE 1:* +FLAGS.SILENT (\\Seen)",
      "STORE 1:* -FLAGS.SILENT (\\Seen)", "STORE 1:* +FLAGS (\\Flagged)", "STORE 1:* -FLAGS (\\Flagged)");

  public static void main(String[] args) throws Exception {
    List<String> given = new ArrayList<>(List.of(args));
    if (!given.contains("--messages")) {
      given.addAll(List.of("--messages", "20000"));
    }
    int runs = 3;
    int at = given.indexOf("--runs");
    if (at >= 0) {
      runs = Integer.parseInt(given.get(at + 1));
      given.subList(at, at + 2).clear();
    }
    given.addAll(List.of("--users", "1", "--folders", "1"));
    ImapLoadBench.Options o = ImapLoadBench.Options.parse(given.toArray(String[]::new));
    MigrationBench.deleteTree(o.dir);
    Path template = o.dir.resolve("template").resolve("Maildir");
    MigrationBench.Corpus corpus = MigrationBench.Corpus.write(template, o.messages, 1);
    System.out.printf(Locale.ROOT, "one folder (INBOX) of %d messages, %.1f MB; %d runs; %d cores%n", corpus.messages,
        corpus.bytes / 1e6, runs, Runtime.getRuntime().availableProcessors());
    Map<String, Map<String, List<Double>>> millis = new LinkedHashMap<>();
    try {
      for (int run = 1; run <= runs; run++) {
        // Alternate which server goes first, so that a trend in the machine's load hits both alike.
        for (String server : run % 2 == 1 ? List.of("dovecot", "dovetail") : List.of("dovetail", "dovecot")) {
          if (!o.only.isEmpty() && !o.only.equals(server)) {
            continue;
          }
          Path dir = o.dir.resolve(server + "-" + run);
          try (ImapLoadBench.Target target = server.equals("dovecot") ? ImapLoadBench.dovecot(dir, template, o)
              : ImapLoadBench.dovetail(dir, template, o);
              ImapWire imap = new ImapWire(target.port)) {
            check(imap.command("LOGIN " + o.users.get(0) + " " + ImapLoadBench.PASSWORD, false), "LOGIN");
            check(imap.command("SELECT INBOX", false), "SELECT");
            check(imap.command("UID FETCH 1:* (FLAGS)", false), "FETCH");
            for (String command : COMMANDS) {
              long t0 = System.nanoTime();
              check(imap.command(command, false), command);
              double ms = (System.nanoTime() - t0) / 1e6;
              millis.computeIfAbsent(server, s -> new LinkedHashMap<>()).computeIfAbsent(command, c -> new ArrayList<>())
                  .add(ms);
              System.out.printf(Locale.ROOT, "run %d %-8s %-36s %8.0f ms%n", run, server, command, ms);
            }
            imap.command("LOGOUT", false);
            target.checkProblems();
          } finally {
            MigrationBench.deleteTree(dir);
          }
        }
      }
    } finally {
      MigrationBench.deleteTree(o.dir);
    }
    System.out.printf(Locale.ROOT, "%nmedians, %d messages:%n", o.messages);
    for (String command : COMMANDS) {
      double dovecot = median(millis.getOrDefault("dovecot", Map.of()).get(command));
      double dovetail = median(millis.getOrDefault("dovetail", Map.of()).get(command));
      System.out.printf(Locale.ROOT, "%-36s dovecot %7.0f ms  dovetail %7.0f ms  (%.1f µs per message; %.2fx)%n", command,
          dovecot, dovetail, 1000 * dovetail / o.messages, dovetail / dovecot);
    }
  }

  private static void check(ImapWire.Reply reply, String what) {
    if (!reply.ok()) {
      throw new IllegalStateException(what + ": " + reply.tagged());
    }
  }

  private static double median(List<Double> values) {
    if (values == null || values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
