import dovetail.proxy.server.ServeChild;
import dovetail.store.dovecot.DovecotServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The first SELECT of a large, already migrated folder after a start (walk-through 9, W2), against {@code dovetail
 * serve} (store only, sweeper off, a fresh JVM per run) and a real Dovecot 2.3, each on its own copy of one store on
 * tmpfs. Run it through bench/cold-select.sh.
 *
 * <p>The store: one INBOX of {@code --messages} generated messages ({@link MigrationBench.Corpus}, written with the
 * store's API: dovecot-uidlist, dovecot-keywords, sizes in the file names), then opened once by an untimed {@code
 * serve} (SELECT, {@code UID FETCH 1:* (FLAGS)}), so that Dovetail's own state files exist as after a migration. Per
 * run, on a fresh copy ({@code cp -a}): Dovetail: start {@code serve}, then LOGIN, {@code SELECT INBOX} (the cold
 * one), a second SELECT and {@code UID FETCH 1:* (FLAGS)}, each timed from sending it to its tagged OK. Dovecot: start
 * it, the same four commands without an index (the copy has none), then, on a new connection (a new imap process),
 * LOGIN and SELECT from the index the first connection wrote. Dovecot and Dovetail alternate in going first.
 *
 * <p>Arguments: {@code [--messages 100000] [--runs 3] [--only dovecot|dovetail] [--java-option OPT]...
 * [--setting "key = value"]... [--dir /dev/shm/dovetail-cold-select-PID] [--keep-store DIR] [--baseline-jar JAR]}
 * ({@code --java-option} goes to serve's JVM, e.g. a flight recording; {@code --keep-store} reuses (or first writes)
 * the primed store there, so that repeated invocations skip the corpus; {@code --baseline-jar} also runs serve from
 * another build's dovetail.jar in each run, as "baseline", for a before/after on the same machine at the same time).
 */
public final class ColdSelectBench {
  private static final String USER = "user01";
  private static final String PASSWORD = "secret";
  private static final List<String> STEPS = List.of("LOGIN", "SELECT INBOX (first)", "SELECT INBOX (second)",
      "UID FETCH 1:* (FLAGS)");

  public static void main(String[] args) throws Exception {
    int messages = 100_000;
    int runs = 3;
    String only = "";
    Path keep = null;
    Path baselineJar = null;
    List<String> javaOptions = new ArrayList<>();
    List<String> settings = new ArrayList<>();
    Path dir = Path.of("/dev/shm/dovetail-cold-select-" + ProcessHandle.current().pid());
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--messages" -> messages = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--only" -> only = args[++i];
        case "--java-option" -> javaOptions.add(args[++i]);
        case "--setting" -> settings.add(args[++i]);
        case "--dir" -> dir = Path.of(args[++i]);
        case "--keep-store" -> keep = Path.of(args[++i]);
        case "--baseline-jar" -> baselineJar = Path.of(args[++i]).toAbsolutePath();
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    MigrationBench.deleteTree(dir);
    Files.createDirectories(dir);
    Map<String, List<Double>> millis = new LinkedHashMap<>();
    try {
      Path store = keep != null ? keep : dir.resolve("primed");
      if (!Files.exists(store.resolve("dovecot-uidlist"))) {
        long t0 = System.nanoTime();
        MigrationBench.Corpus corpus = MigrationBench.Corpus.write(store, messages, 1);
        System.out.printf(Locale.ROOT, "corpus: INBOX of %d messages, %.1f MB, written in %.1f s%n", corpus.messages,
            corpus.bytes / 1e6, seconds(t0));
        prime(dir.resolve("prime"), store, settings);
      }
      int expected = countLines(store.resolve("dovecot-uidlist")) - 1;
      System.out.printf(Locale.ROOT, "store %s: %d messages; %d runs; %d cores; serve's JVM options %s%n", store,
          expected, runs, Runtime.getRuntime().availableProcessors(), javaOptions);
      for (int run = 1; run <= runs; run++) {
        List<String> servers = new ArrayList<>(List.of("dovetail", "dovecot"));
        if (baselineJar != null) {
          servers.add(1, "baseline");
        }
        if (run % 2 == 0) {
          java.util.Collections.reverse(servers); // a trend in the machine's load hits each alike
        }
        for (String server : servers) {
          if (!only.isEmpty() && !only.equals(server) && !(only.equals("dovetail") && server.equals("baseline"))) {
            continue;
          }
          Path runDir = dir.resolve(server + "-" + run);
          Map<String, Double> times = server.equals("dovecot") ? dovecot(runDir, store, expected)
              : dovetail(runDir, store, javaOptions, settings, expected, server.equals("baseline") ? baselineJar : null);
          StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "run %d %-8s", run, server));
          times.forEach((step, ms) -> {
            millis.computeIfAbsent(server + " " + step, k -> new ArrayList<>()).add(ms);
            line.append(String.format(Locale.ROOT, "  %s %.0f ms", step, ms));
          });
          System.out.println(line);
          MigrationBench.deleteTree(runDir);
        }
      }
    } finally {
      MigrationBench.deleteTree(dir);
    }
    System.out.printf(Locale.ROOT, "%nmedians of %d runs:%n", runs);
    millis.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-40s %8.0f ms   (%s)%n", k, median(v), v.stream()
        .map(d -> String.format(Locale.ROOT, "%.0f", d)).toList()));
  }

  /** One untimed serve over the new store: SELECT and a FLAGS fetch, so that Dovetail's state files exist. */
  private static void prime(Path dir, Path store, List<String> settings) throws Exception {
    Path users = copyOfStoreAsUsers(dir, store, false);
    try (ServeChild child = ServeChild.start(config(dir, users, settings), List.of())) {
      try (ImapWire imap = new ImapWire(child.awaitImapPort(60))) {
        check(imap.command("LOGIN " + USER + " " + PASSWORD, false), "LOGIN");
        check(imap.command("SELECT INBOX", false), "SELECT");
        check(imap.command("UID FETCH 1:* (FLAGS)", false), "FETCH");
        imap.command("LOGOUT", false);
      }
      child.stop();
    }
    System.out.println("primed: " + listNonMessages(store));
  }

  /** @param jar a jar to serve from instead of this tree's (--baseline-jar), or null */
  private static Map<String, Double> dovetail(Path dir, Path store, List<String> javaOptions, List<String> settings,
      int expected, Path jar) throws Exception {
    Path users = copyOfStoreAsUsers(dir, store, true);
    Map<String, Double> times = new LinkedHashMap<>();
    Path conf = config(dir, users, settings);
    String classPath = System.getProperty("java.class.path");
    if (jar != null) { // ServeChild gives serve this JVM's class path: the same with the other jar in place of ours
      System.setProperty("java.class.path", classPath.replaceAll("[^:]*dovetail\\.jar",
          java.util.regex.Matcher.quoteReplacement(jar.toString())));
    }
    ServeChild started;
    try {
      started = ServeChild.start(conf, javaOptions);
    } finally {
      System.setProperty("java.class.path", classPath);
    }
    try (ServeChild child = started) {
      try (ImapWire imap = new ImapWire(child.awaitImapPort(60))) {
        long pid = ProcessHandle.current().children().filter(p -> p.info().commandLine().orElse("")
            .contains(conf.toString())).findFirst().orElseThrow().pid();
        session(imap, expected, times, "", pid);
        imap.command("LOGOUT", false);
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException(child.tail(40), e);
      }
      child.stop();
    }
    return times;
  }

  private static Map<String, Double> dovecot(Path dir, Path store, int expected) throws Exception {
    Map<String, Double> times = new LinkedHashMap<>();
    Files.createDirectories(DovecotServer.maildir(dir, USER).getParent());
    copy(store, DovecotServer.maildir(dir, USER));
    try (DovecotServer server = DovecotServer.builder(dir).autoCreateSpecialUse(false).user(USER, PASSWORD).start()) {
      try (ImapWire imap = new ImapWire(server.imapPort())) {
        session(imap, expected, times, " no index", -1);
        imap.command("LOGOUT", false);
      }
      try (ImapWire imap = new ImapWire(server.imapPort())) {
        Map<String, Double> indexed = new LinkedHashMap<>();
        session(imap, expected, indexed, " index", -1);
        indexed.forEach((step, ms) -> {
          if (!step.startsWith("UID FETCH")) {
            times.put(step, ms);
          }
        });
        imap.command("LOGOUT", false);
      }
      List<String> problems = server.logProblems();
      if (!problems.isEmpty()) {
        System.out.println("Dovecot log problems: " + problems.subList(0, Math.min(5, problems.size())));
      }
    }
    return times;
  }

  /**
   * LOGIN, SELECT, SELECT, UID FETCH 1:* (FLAGS), each timed to its tagged OK; with a {@code pid} (serve's), also the
   * CPU that process spent in the first SELECT, in all and by its threads' kinds (JIT compilers, GC, the rest).
   */
  private static void session(ImapWire imap, int expected, Map<String, Double> times, String suffix, long pid)
      throws IOException {
    long t = System.nanoTime();
    check(imap.command("LOGIN " + USER + " " + PASSWORD, false), "LOGIN");
    times.put(STEPS.get(0) + suffix, millis(t));
    Map<String, Long> cpuBefore = pid > 0 ? cpuTicksByThreadKind(pid) : Map.of();
    t = System.nanoTime();
    ImapWire.Reply selected = imap.command("SELECT INBOX", true);
    times.put(STEPS.get(1) + suffix, millis(t));
    if (pid > 0) {
      Map<String, Long> cpuAfter = cpuTicksByThreadKind(pid);
      long total = 0;
      for (String kind : List.of("jit", "gc", "other")) {
        long ticks = cpuAfter.getOrDefault(kind, 0L) - cpuBefore.getOrDefault(kind, 0L);
        total += ticks;
        times.put("first SELECT CPU " + kind, ticks * 10.0);
      }
      times.put("first SELECT CPU", total * 10.0);
    }
    check(selected, "SELECT");
    check(selected.untagged().contains("* " + expected + " EXISTS"), "SELECT said " + selected.untagged());
    t = System.nanoTime();
    check(imap.command("SELECT INBOX", false), "second SELECT");
    times.put(STEPS.get(2) + suffix, millis(t));
    t = System.nanoTime();
    check(imap.command("UID FETCH 1:* (FLAGS)", false), "FETCH");
    times.put(STEPS.get(3) + suffix, millis(t));
  }

  /** {@code dir/store/USER/Maildir} as a copy of {@code store} (or the store itself, moved in and back by the caller). */
  private static Path copyOfStoreAsUsers(Path dir, Path store, boolean copy) throws IOException, InterruptedException {
    Path users = dir.resolve("store");
    Files.createDirectories(users.resolve(USER));
    if (copy) {
      copy(store, users.resolve(USER).resolve("Maildir"));
    } else {
      Files.createSymbolicLink(users.resolve(USER).resolve("Maildir"), store.toAbsolutePath());
    }
    return users;
  }

  /**
   * User plus system CPU of the process's live threads, in clock ticks (1/100 s), by kind: "jit" (C1/C2 compiler
   * threads), "gc" (G1 and parallel GC workers), "other" (Java threads, the VM thread, ...). Threads that ended are lost,
   * which a server's pools rarely do within a command.
   */
  private static Map<String, Long> cpuTicksByThreadKind(long pid) throws IOException {
    Map<String, Long> out = new LinkedHashMap<>();
    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks.toList()) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException e) {
          continue; // ended meanwhile
        }
        String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        String kind = comm.contains("CompilerThre") ? "jit"
            : comm.startsWith("G1 ") || comm.startsWith("GC Thread") || comm.startsWith("ParGC") ? "gc" : "other";
        out.merge(kind, ticks, Long::sum);
      }
    }
    return out;
  }

  private static Path config(Path dir, Path users, List<String> settings) throws IOException {
    Path passwd = Files.writeString(dir.resolve("passwd"), USER + ":{PLAIN}" + PASSWORD + "\n");
    // Listeners on 127.0.0.1 port 0 or none, so that nothing binds a default port.
    return Files.writeString(dir.resolve("dovetail.conf"), "imap_listen = 127.0.0.1:0\nimaps_listen =\npop3_listen =\n"
        + "pop3s_listen =\nlmtp_listen =\nsweeper = no\npassdb = passwd-file:" + passwd + "\n"
        + "mail_location = maildir:" + users + "/%n/Maildir\nadmin_socket = " + dir.resolve("admin.sock") + "\n"
        + String.join("\n", settings) + "\n");
  }

  /** {@code cp -a}: a Java copy of 100,000 files takes seconds more per run. */
  private static void copy(Path from, Path to) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("cp", "-a", from.toString(), to.toString()).inheritIO().start();
    check(p.waitFor(10, TimeUnit.MINUTES) && p.exitValue() == 0, "cp -a " + from + " " + to);
  }

  private static List<String> listNonMessages(Path store) throws IOException {
    try (var files = Files.list(store)) {
      return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static int countLines(Path file) throws IOException {
    byte[] data = Files.readAllBytes(file);
    int n = 0;
    for (byte b : data) {
      if (b == '\n') {
        n++;
      }
    }
    return n;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static double millis(long start) {
    return (System.nanoTime() - start) / 1e6;
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static void check(ImapWire.Reply reply, String what) {
    check(reply.ok(), what + ": " + reply.tagged());
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }
}
