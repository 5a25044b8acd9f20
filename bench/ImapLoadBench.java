import dovetail.proxy.server.ServeChild;
import dovetail.store.dovecot.DovecotServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The IMAP load benchmark of issue 3: N concurrent clients ({@link LoadClient}) run the same seeded mix of SELECT,
 * FETCH flags, FETCH envelope, FETCH BODY[], STORE flags, SEARCH, APPEND and IDLE against {@code dovetail serve} and
 * against a real Dovecot 2.3, each on its own fresh copy of one generated store, in the same run, one server after
 * the other (never both at once: the machine's cores are the resource being measured). Run it through
 * bench/imap-load.sh.
 *
 * <p>Per server: copy the store, start the server, prime it (every user SELECTs every folder and fetches FLAGS and
 * ENVELOPE of all of it, untimed: both servers build their indexes and caches), run the mix for {@code --warmup}
 * seconds unrecorded (the JIT, the caches), then record for {@code --seconds}; an operation counts if it started and
 * finished inside that window. It prints operations per second and p50/p99 latency per kind and overall, the CPU
 * the server and the client used in the window, and Dovetail's throughput as a ratio of Dovecot's.
 *
 * <p>Arguments: {@code [--clients 8] [--seconds 30] [--warmup 10] [--users 4] [--messages 6000] [--folders 3]
 * [--runs 1] [--seed 1] [--idle-ms 0] [--only dovecot|dovetail] [--java-option OPT]... [--setting "k = v"]...
 * [--dir /dev/shm/dovetail-imap-load-PID]}; {@code --messages} is per user, shared by {@code --folders} folders.
 */
public final class ImapLoadBench {
  static final String PASSWORD = "secret";

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    MigrationBench.deleteTree(o.dir);
    Path template = o.dir.resolve("template").resolve("Maildir");
    long t0 = System.nanoTime();
    MigrationBench.Corpus corpus = MigrationBench.Corpus.write(template, o.messages, o.folders);
    System.out.printf(Locale.ROOT, "corpus: %d users, each %d messages in %d folders, %.1f MB (median %.1f KB, largest %.1f MB); "
        + "written in %.1f s%n", o.users.size(), corpus.messages, o.folders, corpus.bytes / 1e6, corpus.medianBytes / 1e3,
        corpus.largestBytes / 1e6, seconds(t0));
    System.out.printf(Locale.ROOT, "mix (percent): %s; %d clients, %d s warm-up, %d s measured, seed %d, %d cores%n",
        mix(), o.clients, o.warmup, o.seconds, o.seed, Runtime.getRuntime().availableProcessors());
    Map<String, List<Result>> results = new LinkedHashMap<>();
    results.put("dovecot", new ArrayList<>());
    results.put("dovetail", new ArrayList<>());
    try {
      for (int run = 1; run <= o.runs; run++) {
        // Alternate which server goes first, so that a trend in the machine's load hits both alike.
        List<String> order = run % 2 == 1 ? List.of("dovecot", "dovetail") : List.of("dovetail", "dovecot");
        for (String server : order) {
          if (o.only.isEmpty() || o.only.equals(server)) {
            Result r = measure(server, run, template, o);
            r.print();
            results.get(server).add(r);
          }
        }
      }
    } finally {
      MigrationBench.deleteTree(o.dir);
    }
    summary(results, o);
  }

  /** One server: a fresh copy of the store, start, prime, warm up, measure, stop. */
  private static Result measure(String server, int run, Path template, Options o) throws Exception {
    Path dir = o.dir.resolve(server + "-" + run);
    try (Target target = server.equals("dovecot") ? dovecot(dir, template, o) : dovetail(dir, template, o)) {
      long p0 = System.nanoTime();
      Map<String, Long> maxUids = prime(target.port, o.users);
      double primeSeconds = seconds(p0);
      long measureStart = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.warmup);
      long measureEnd = measureStart + TimeUnit.SECONDS.toNanos(o.seconds);
      List<LoadClient> clients = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < o.clients; i++) {
        LoadClient c = new LoadClient(target.port, o.users.get(i % o.users.size()), PASSWORD, maxUids, o.seed * 1000 + i,
            measureStart, measureEnd, o.idleMillis);
        clients.add(c);
        Thread t = new Thread(c, "load-" + i);
        threads.add(t);
        t.start();
      }
      sleepUntil(measureStart);
      String loadBefore = loadAverage();
      double serverCpu0 = target.cpuSeconds();
      double clientCpu0 = clientCpuSeconds();
      sleepUntil(measureEnd);
      double serverCpu = target.cpuSeconds() - serverCpu0;
      double clientCpu = clientCpuSeconds() - clientCpu0;
      String loadAfter = loadAverage();
      Result result = new Result(server, run, o.seconds, serverCpu, clientCpu, loadBefore + " -> " + loadAfter, primeSeconds);
      for (int i = 0; i < threads.size(); i++) {
        threads.get(i).join(TimeUnit.MINUTES.toMillis(5));
        LoadClient c = clients.get(i);
        if (threads.get(i).isAlive() || c.failure != null) {
          throw new IllegalStateException(server + ": client " + i + " failed: " + c.failure + "\n" + target.tail(),
              c.failure);
        }
        result.log.addAll(c.log);
      }
      target.checkProblems();
      return result;
    } finally {
      MigrationBench.deleteTree(dir);
    }
  }

  /** Every user SELECTs every folder and fetches FLAGS and ENVELOPE of all of it; the folders' highest UIDs. */
  private static Map<String, Long> prime(int port, List<String> users) throws IOException {
    Map<String, Long> maxUids = new LinkedHashMap<>();
    for (String user : users) {
      try (ImapWire imap = new ImapWire(port)) {
        check(imap.command("LOGIN " + user + " " + PASSWORD, false).ok(), "LOGIN " + user);
        ImapWire.Reply list = imap.command("LIST \"\" *", true);
        check(list.ok(), "LIST: " + list.tagged());
        for (String line : list.untagged()) {
          String folder = line.substring(line.lastIndexOf(' ') + 1).replace("\"", "");
          ImapWire.Reply selected = imap.command("SELECT \"" + folder + "\"", true);
          check(selected.ok(), "SELECT " + folder + ": " + selected.tagged());
          long uidNext = selected.untagged().stream().filter(l -> l.contains("[UIDNEXT ")).map(l -> Long.parseLong(
              l.substring(l.indexOf("[UIDNEXT ") + 9, l.indexOf(']', l.indexOf("[UIDNEXT "))))).findFirst().orElseThrow();
          Long before = maxUids.put(folder, uidNext - 1);
          check(before == null || before == uidNext - 1, "users' copies of " + folder + " differ");
          check(imap.command("UID FETCH 1:* (FLAGS ENVELOPE)", false).ok(), "priming FETCH");
        }
        imap.command("LOGOUT", false);
      }
    }
    return maxUids;
  }

  // ------------------------------------------------------------------------------------------------ servers

  /** A running server under test, its process tree and its port. */
  abstract static class Target implements AutoCloseable {
    int port;

    abstract List<ProcessHandle> processes();

    abstract String tail();

    void checkProblems() {}

    /**
     * User plus system CPU of the server's processes, from /proc (clock ticks of 1/100 s), with that of their ended
     * and reaped children (Dovecot's imap processes come and go).
     */
    double cpuSeconds() {
      long ticks = 0;
      for (ProcessHandle p : processes()) {
        try {
          String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        } catch (IOException e) {
          // the process ended meanwhile
        }
      }
      return ticks / 100.0;
    }
  }

  static Target dovecot(Path dir, Path template, Options o) throws IOException {
    DovecotServer.Builder builder = DovecotServer.builder(dir).autoCreateSpecialUse(false);
    for (String user : o.users) {
      builder.user(user, PASSWORD);
      MigrationBench.copyTree(template, DovecotServer.maildir(dir, user));
    }
    DovecotServer server = builder.start();
    Target t = new Target() {
      @Override
      List<ProcessHandle> processes() {
        List<ProcessHandle> all = new ArrayList<>();
        try {
          long pid = Long.parseLong(Files.readString(dir.resolve("run").resolve("master.pid")).trim());
          ProcessHandle.of(pid).ifPresent(master -> {
            all.add(master);
            master.descendants().forEach(all::add);
          });
        } catch (IOException e) {
          throw new IllegalStateException("Dovecot's master.pid", e);
        }
        return all;
      }

      @Override
      String tail() {
        String log = server.log();
        return log.substring(Math.max(0, log.length() - 3000));
      }

      @Override
      void checkProblems() {
        List<String> problems = server.logProblems();
        if (!problems.isEmpty()) {
          System.out.println("Dovecot log problems: " + problems.subList(0, Math.min(5, problems.size())));
        }
      }

      @Override
      public void close() {
        server.close();
      }
    };
    t.port = server.imapPort();
    return t;
  }

  static Target dovetail(Path dir, Path template, Options o) throws Exception {
    Path store = dir.resolve("store");
    StringBuilder passwd = new StringBuilder();
    for (String user : o.users) {
      MigrationBench.copyTree(template, store.resolve(user).resolve("Maildir"));
      passwd.append(user).append(":{PLAIN}").append(PASSWORD).append('\n');
    }
    Path passwdFile = Files.writeString(dir.resolve("passwd"), passwd);
    // Listeners on 127.0.0.1 port 0 or none, so that nothing binds a default port.
    Path conf = Files.writeString(dir.resolve("dovetail.conf"), "imap_listen = 127.0.0.1:0\nimaps_listen =\npop3_listen =\n"
        + "pop3s_listen =\nlmtp_listen =\nsweeper = no\npassdb = passwd-file:" + passwdFile + "\n"
        + "mail_location = maildir:" + store + "/%n/Maildir\nadmin_socket = " + dir.resolve("admin.sock") + "\n"
        + String.join("\n", o.settings) + "\n");
    ServeChild child = ServeChild.start(conf, o.javaOptions);
    // Ctrl-C on the bench must not leave the server running (DovecotServer has the same hook).
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        child.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "stop-serve"));
    Target t = new Target() {
      @Override
      List<ProcessHandle> processes() {
        return ProcessHandle.current().children().filter(p -> commandLine(p).contains(conf.toString())).toList();
      }

      @Override
      String tail() {
        return child.tail(40);
      }

      @Override
      public void close() throws Exception {
        try {
          child.stop();
        } finally {
          child.close();
        }
      }
    };
    try {
      t.port = child.awaitImapPort(60);
      check(t.processes().size() == 1, "cannot find the serve process");
    } catch (Throwable e) {
      child.close(); // SIGKILL: a failed start must not leave a server behind
      throw e;
    }
    return t;
  }

  // ------------------------------------------------------------------------------------------------ results

  private static final class Result {
    final String server;
    final int run;
    final int seconds;
    final double serverCpu;
    final double clientCpu;
    final String load;
    final double primeSeconds;
    final LatencyLog log = new LatencyLog();

    Result(String server, int run, int seconds, double serverCpu, double clientCpu, String load, double primeSeconds) {
      this.server = server;
      this.run = run;
      this.seconds = seconds;
      this.serverCpu = serverCpu;
      this.clientCpu = clientCpu;
      this.load = load;
      this.primeSeconds = primeSeconds;
    }

    double cpuPerOperationMillis() {
      return 1000 * serverCpu / Math.max(1, log.all().count);
    }

    double opsPerSecond(LatencyLog.Series s) {
      return s.count / (double) seconds;
    }

    void print() {
      System.out.printf(Locale.ROOT, "%n== %s, run %d (load average %s; priming took %.1f s)%n", server, run, load, primeSeconds);
      System.out.printf(Locale.ROOT, "%-15s %8s %9s %9s %9s %7s %9s%n", "operation", "count", "ops/s", "p50 ms", "p99 ms",
          "failed", "MB read");
      for (LoadClient.Op op : LoadClient.Op.values()) {
        line(op.name(), log.get(op));
      }
      LatencyLog.Series all = log.all();
      line("all", all);
      System.out.printf(Locale.ROOT, "CPU in the window: server %.1f s (%.2f cores, %.2f ms per operation), client %.1f s "
          + "(%.2f cores)%n", serverCpu, serverCpu / seconds, cpuPerOperationMillis(), clientCpu, clientCpu / seconds);
      log.errors.forEach(e -> System.out.println("  failure: " + e));
    }

    private void line(String name, LatencyLog.Series s) {
      long[] sorted = s.sorted();
      System.out.printf(Locale.ROOT, "%-15s %8d %9.1f %9.2f %9.2f %7d %9.1f%n", name, s.count, opsPerSecond(s),
          LatencyLog.quantile(sorted, 0.50) / 1e6, LatencyLog.quantile(sorted, 0.99) / 1e6, s.failed, s.bytes / 1e6);
    }
  }

  private static void summary(Map<String, List<Result>> results, Options o) {
    List<Result> dovecot = results.get("dovecot");
    List<Result> dovetail = results.get("dovetail");
    if (dovecot.isEmpty() || dovetail.isEmpty()) {
      return;
    }
    System.out.printf(Locale.ROOT, "%n== summary (%d clients, %d s, %d run%s): throughput per run, dovetail / dovecot%n",
        o.clients, o.seconds, o.runs, o.runs == 1 ? "" : "s");
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < Math.min(dovecot.size(), dovetail.size()); i++) {
      double a = dovecot.get(i).opsPerSecond(dovecot.get(i).log.all());
      double b = dovetail.get(i).opsPerSecond(dovetail.get(i).log.all());
      ratios.add(b / a);
      System.out.printf(Locale.ROOT, "run %d: dovecot %.1f ops/s, dovetail %.1f ops/s, ratio %.2f%n", i + 1, a, b, b / a);
    }
    Result last = dovecot.get(dovecot.size() - 1);
    Result lastDovetail = dovetail.get(dovetail.size() - 1);
    System.out.println("latency per operation, last run (ops/s per kind follow the overall ratio: the mix is fixed)");
    System.out.printf(Locale.ROOT, "%-15s %11s %11s %11s %11s %9s%n", "operation", "dovecot p50", "dovetail p50",
        "dovecot p99", "dovetail p99", "p50 ratio");
    for (LoadClient.Op op : LoadClient.Op.values()) {
      long[] a = last.log.get(op).sorted();
      long[] b = lastDovetail.log.get(op).sorted();
      double a50 = LatencyLog.quantile(a, 0.5) / 1e6;
      double b50 = LatencyLog.quantile(b, 0.5) / 1e6;
      System.out.printf(Locale.ROOT, "%-15s %11.2f %12.2f %11.2f %12.2f %9.1f%n", op, a50, b50,
          LatencyLog.quantile(a, 0.99) / 1e6, LatencyLog.quantile(b, 0.99) / 1e6, b50 / Math.max(1e-9, a50));
    }
    ratios.sort(Comparator.naturalOrder());
    System.out.printf(Locale.ROOT, "server CPU per operation, last run: dovecot %.2f ms, dovetail %.2f ms (%.1fx)%n",
        last.cpuPerOperationMillis(), lastDovetail.cpuPerOperationMillis(),
        lastDovetail.cpuPerOperationMillis() / last.cpuPerOperationMillis());
    int n = ratios.size();
    double median = n % 2 == 1 ? ratios.get(n / 2) : (ratios.get(n / 2 - 1) + ratios.get(n / 2)) / 2;
    System.out.printf(Locale.ROOT, "throughput ratio dovetail / dovecot: median %.2f (target >= 0.70)%n", median);
  }

  // ------------------------------------------------------------------------------------------------ helpers

  static final class Options {
    int clients = 8;
    int seconds = 30;
    int warmup = 10;
    int messages = 6000;
    int folders = 3;
    int runs = 1;
    long seed = 1;
    long idleMillis;
    String only = "";
    final List<String> users = new ArrayList<>();
    final List<String> javaOptions = new ArrayList<>();
    final List<String> settings = new ArrayList<>();
    Path dir = Path.of("/dev/shm/dovetail-imap-load-" + ProcessHandle.current().pid());

    static Options parse(String[] args) {
      Options o = new Options();
      int users = 4;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--clients" -> o.clients = Integer.parseInt(args[++i]);
          case "--seconds" -> o.seconds = Integer.parseInt(args[++i]);
          case "--warmup" -> o.warmup = Integer.parseInt(args[++i]);
          case "--users" -> users = Integer.parseInt(args[++i]);
          case "--messages" -> o.messages = Integer.parseInt(args[++i]);
          case "--folders" -> o.folders = Integer.parseInt(args[++i]);
          case "--runs" -> o.runs = Integer.parseInt(args[++i]);
          case "--seed" -> o.seed = Long.parseLong(args[++i]);
          case "--idle-ms" -> o.idleMillis = Long.parseLong(args[++i]);
          case "--only" -> o.only = args[++i];
          case "--java-option" -> o.javaOptions.add(args[++i]);
          case "--setting" -> o.settings.add(args[++i]);
          case "--dir" -> o.dir = Path.of(args[++i]);
          default -> throw new IllegalArgumentException("unknown argument " + args[i]);
        }
      }
      check(o.only.isEmpty() || o.only.equals("dovecot") || o.only.equals("dovetail"), "--only dovecot or dovetail");
      for (int i = 1; i <= users; i++) {
        o.users.add(String.format(Locale.ROOT, "user%02d", i));
      }
      return o;
    }
  }

  private static String mix() {
    StringBuilder s = new StringBuilder();
    for (LoadClient.Op op : LoadClient.Op.values()) {
      s.append(s.length() == 0 ? "" : ", ").append(op).append(' ').append(op.weight);
    }
    return s.toString();
  }

  private static String commandLine(ProcessHandle p) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline")).replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0];
    } catch (IOException e) {
      return "?";
    }
  }

  private static double clientCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }
}
