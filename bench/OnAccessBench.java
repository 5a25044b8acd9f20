import com.fasterxml.jackson.databind.JsonNode;
import dovetail.proxy.admin.AdminClient;
import dovetail.proxy.admin.AdminException;
import dovetail.proxy.cli.DovetailCommand;
import dovetail.proxy.server.ServeChild;
import dovetail.store.MailStore;
import dovetail.store.StoreOptions;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.maildir.MaildirStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark of issue 5, on the corpus and the raw client of {@link MigrationBench} (issue 4), with a real
 * Dovecot 2.3 legacy server on loopback and every store on tmpfs. Run it through bench/on-access.sh.
 *
 * <p>(a) On access: {@code dovetail serve} (a fresh server and store per run) with {@code sweeper = no}; a client logs
 * in and LISTs (so the skeleton exists), then the time from {@code SELECT INBOX} to its tagged OK, INBOX being an
 * unmigrated folder of {@code --folder-messages} messages, against one raw connection doing {@code UID FETCH 1:*
 * (UID FLAGS INTERNALDATE BODY.PEEK[])} of the same folder from Dovecot in the same run. Each server first migrates
 * another user's folder of the same size (bob): that SELECT is reported as "cold" (fresh JVM), alice's as "warm".
 *
 * <p>(b) Sweeper: {@code serve} with {@code sweeper = yes} over {@code --users} users of {@code --user-messages}
 * messages each (10 folders), timed from the process start until {@code status} says every user is complete,
 * against {@code backup} of the same users one after the other in one JVM (default {@code -j 2}). Both use two
 * legacy connections at a time ({@code sweeper_concurrency = 2}, one folder per user at a time).
 *
 * <p>Arguments: {@code [--folder-messages 10000] [--runs 3] [--users 20] [--user-messages 1000] [--sweep-runs 2]
 * [--dir /dev/shm/dovetail-on-access] [--only a|b] [--setting "key = value"]...} (a setting is added to Dovetail's
 * configuration, e.g. {@code dsync_commit_msgs_interval = 2000}).
 */
public final class OnAccessBench {
  private static final String PASSWORD = "secret";

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--backup-users")) {
      backupUsers(args);
      return;
    }
    int folderMessages = 10_000;
    int runs = 3;
    int users = 20;
    int userMessages = 1_000;
    int sweepRuns = 2;
    String only = "";
    List<String> settings = new ArrayList<>();
    Path dir = Path.of("/dev/shm/dovetail-on-access");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--folder-messages" -> folderMessages = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--users" -> users = Integer.parseInt(args[++i]);
        case "--user-messages" -> userMessages = Integer.parseInt(args[++i]);
        case "--sweep-runs" -> sweepRuns = Integer.parseInt(args[++i]);
        case "--dir" -> dir = Path.of(args[++i]);
        case "--only" -> only = args[++i];
        case "--setting" -> settings.add(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    MigrationBench.deleteTree(dir);
    Path legacyDir = dir.resolve("legacy");
    List<String> sweepUsers = new ArrayList<>();
    for (int i = 1; i <= users; i++) {
      sweepUsers.add(String.format(Locale.ROOT, "user%02d", i));
    }
    long t0 = System.nanoTime();
    MigrationBench.Corpus big = MigrationBench.Corpus.write(DovecotServer.maildir(legacyDir, "alice"), folderMessages, 1);
    MigrationBench.copyTree(DovecotServer.maildir(legacyDir, "alice"), DovecotServer.maildir(legacyDir, "bob"));
    MigrationBench.Corpus each = MigrationBench.Corpus.write(DovecotServer.maildir(legacyDir, sweepUsers.get(0)), userMessages);
    for (String u : sweepUsers.subList(1, users)) {
      MigrationBench.copyTree(DovecotServer.maildir(legacyDir, sweepUsers.get(0)), DovecotServer.maildir(legacyDir, u));
    }
    System.out.printf(Locale.ROOT, "corpus: alice and bob: INBOX of %d messages, %.1f MB; %d users of %d messages, %.1f MB each "
        + "(10 folders); written in %.1f s%n", big.messages, big.bytes / 1e6, users, each.messages, each.bytes / 1e6,
        seconds(t0));

    DovecotServer.Builder builder = DovecotServer.builder(legacyDir).user("alice", PASSWORD).user("bob", PASSWORD)
        .masterUser("master", "master-secret").autoCreateSpecialUse(false);
    sweepUsers.forEach(u -> builder.user(u, PASSWORD));
    try (DovecotServer legacy = builder.start()) {
      if (!only.equals("b")) {
        onAccess(legacy, dir, big, runs, settings);
      }
      if (!only.equals("a")) {
        sweeper(legacy, dir, sweepUsers, each, sweepRuns, settings);
      }
      List<String> problems = legacy.logProblems();
      if (!problems.isEmpty()) {
        System.out.println("legacy Dovecot log problems: " + problems);
      }
    } finally {
      MigrationBench.deleteTree(dir);
    }
  }

  // ------------------------------------------------------------------------------------------------ (a)

  private static void onAccess(DovecotServer legacy, Path dir, MigrationBench.Corpus big, int runs, List<String> settings)
      throws Exception {
    // Dovecot builds its index and cache on first access: pay that outside the measurements, for both users.
    MigrationBench.RawFetch.run(legacy.imapPort(), List.of("INBOX"));
    List<Double> raw = new ArrayList<>();
    List<Double> cold = new ArrayList<>();
    List<Double> warm = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      MigrationBench.RawFetch r = MigrationBench.RawFetch.run(legacy.imapPort(), List.of("INBOX"));
      check(r.messages == big.messages, "the raw fetch saw " + r.messages + " messages");
      Path store = dir.resolve("store-a");
      Path conf = config(dir, legacy.imapPort(), store, settings, "sweeper = no");
      double bob;
      double alice;
      try (ServeChild server = ServeChild.start(conf, List.of())) {
        int port = server.awaitImapPort(60);
        bob = firstSelect(port, "bob", big.messages);
        alice = firstSelect(port, "alice", big.messages);
        server.stop();
      }
      MigrationBench.deleteTree(store);
      raw.add(r.seconds);
      cold.add(bob);
      warm.add(alice);
      System.out.printf(Locale.ROOT, "run %d: raw UID FETCH %.2f s; first SELECT through Dovetail: cold JVM %.2f s, warm %.2f s "
          + "(ratio %.2f warm, %.2f cold)%n", run, r.seconds, bob, alice, alice / r.seconds, bob / r.seconds);
    }
    double rawMedian = median(raw);
    System.out.println();
    System.out.printf(Locale.ROOT, "(a) %d-message folder (%.1f MB): raw UID FETCH 1:* median %.2f s; first SELECT median "
        + "%.2f s warm, %.2f s cold%n", big.messages, big.bytes / 1e6, rawMedian, median(warm), median(cold));
    System.out.printf(Locale.ROOT, "(a) ratio first SELECT / raw fetch: %.2fx warm, %.2fx cold (medians)%n",
        median(warm) / rawMedian, median(cold) / rawMedian);
  }

  /** LOGIN and LIST (untimed: the skeleton), then SELECT INBOX from the command to the tagged OK. */
  private static double firstSelect(int port, String user, int expected) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(600_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      OutputStream out = s.getOutputStream();
      in.readLine();
      command(in, out, "a LOGIN " + user + " " + PASSWORD);
      command(in, out, "b LIST \"\" *");
      long start = System.nanoTime();
      List<String> selected = command(in, out, "c SELECT INBOX");
      double seconds = seconds(start);
      check(selected.contains("* " + expected + " EXISTS"), user + ": SELECT INBOX said " + selected.stream()
          .filter(l -> l.endsWith(" EXISTS")).toList() + ", not " + expected + " EXISTS");
      command(in, out, "z LOGOUT");
      return seconds;
    }
  }

  private static List<String> command(BufferedReader in, OutputStream out, String command) throws IOException {
    String tag = command.substring(0, command.indexOf(' '));
    out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    List<String> lines = new ArrayList<>();
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      lines.add(line);
      if (line.startsWith(tag + " ")) {
        check(line.startsWith(tag + " OK"), command + ": " + line);
        return lines;
      }
    }
    throw new IOException(command + ": connection closed");
  }

  // ------------------------------------------------------------------------------------------------ (b)

  private static void sweeper(DovecotServer legacy, Path dir, List<String> users, MigrationBench.Corpus each, int runs,
      List<String> settings) throws Exception {
    Path usersFile = Files.write(dir.resolve("users.txt"), users);
    Path store = dir.resolve("store-b");
    long messages = (long) each.messages * users.size();
    double megabytes = each.bytes * users.size() / 1e6;
    Path conf = config(dir, legacy.imapPort(), store, settings,
        "sweeper = yes\nsweeper_concurrency = 2\nsweeper_users = " + usersFile);
    // Dovecot builds every user's index on first access: an untimed backup pass pays for it.
    double warmUp = backup(conf, users);
    check(count(store, users) == messages, "the warm-up backup stored " + count(store, users) + " messages");
    MigrationBench.deleteTree(store);
    System.out.printf(Locale.ROOT, "%nwarm-up backup of %d users: %.2f s%n", users.size(), warmUp);
    List<Double> sweeps = new ArrayList<>();
    List<Double> backups = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      double sweep = sweep(conf, dir.resolve("admin.sock"), users.size());
      check(count(store, users) == messages, "the sweeper stored " + count(store, users) + " messages");
      MigrationBench.deleteTree(store);
      double backup = backup(conf, users);
      check(count(store, users) == messages, "backup stored " + count(store, users) + " messages");
      MigrationBench.deleteTree(store);
      sweeps.add(sweep);
      backups.add(backup);
      System.out.printf(Locale.ROOT, "run %d: sweeper %.2f s, backup %.2f s (ratio %.2f)%n", run, sweep, backup, sweep / backup);
    }
    double s = median(sweeps);
    double b = median(backups);
    System.out.println();
    System.out.printf(Locale.ROOT, "(b) %d users, %d messages, %.1f MB; JVM start included in both%n", users.size(), messages,
        megabytes);
    System.out.printf(Locale.ROOT, "(b) sweeper (serve, sweeper_concurrency = 2): median %.2f s, %.0f messages/s, %.1f MB/s%n",
        s, messages / s, megabytes / s);
    System.out.printf(Locale.ROOT, "(b) backup, users one after the other in one JVM (-j 2): median %.2f s, %.0f messages/s, "
        + "%.1f MB/s%n", b, messages / b, megabytes / b);
    System.out.printf(Locale.ROOT, "(b) ratio sweeper / backup: %.2fx (medians)%n", s / b);
  }

  /** {@code serve} from its start until status says every user is complete (polled every 50 ms), then SIGTERM. */
  private static double sweep(Path conf, Path socket, int users) throws Exception {
    long start = System.nanoTime();
    try (ServeChild server = ServeChild.start(conf, List.of())) {
      long deadline = start + TimeUnit.MINUTES.toNanos(30);
      while (System.nanoTime() < deadline) {
        check(server.isAlive(), "serve died:\n" + server.tail(40));
        try {
          JsonNode status = new AdminClient(socket).status(Optional.empty());
          if (status.path("total").path("users_complete").asInt() == users) {
            double seconds = seconds(start);
            server.stop();
            return seconds;
          }
        } catch (AdminException e) {
          // not answering yet
        }
        Thread.sleep(50);
      }
      throw new IllegalStateException("the sweep did not finish in 30 minutes:\n" + server.tail(40));
    }
  }

  /** {@code backup -c CONF -u USER} for every user, one after the other, in one child JVM; its wall time. */
  private static double backup(Path conf, List<String> users) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), OnAccessBench.class.getName(), "--backup-users", conf.toString()));
    command.addAll(users);
    Path log = conf.resolveSibling("backup.out");
    long start = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    check(p.waitFor(30, TimeUnit.MINUTES), "backup did not finish");
    double seconds = seconds(start);
    check(p.exitValue() == 0, "backup exited with " + p.exitValue() + ":\n" + Files.readString(log));
    return seconds;
  }

  /** The child of {@link #backup}: the backup command, as {@code main} runs it, once per user. */
  private static void backupUsers(String[] args) {
    for (int i = 2; i < args.length; i++) {
      int exit = DovetailCommand.newCommandLine().execute("backup", "-c", args[1], "-u", args[i]);
      if (exit != 0) {
        System.exit(exit);
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private static Path config(Path dir, int legacyPort, Path store, List<String> settings, String extra)
      throws IOException {
    return Files.writeString(dir.resolve("dovetail.conf"), "imap_listen = 127.0.0.1:0\npop3_listen =\nlmtp_listen =\npassdb = legacy\n"
        + "imapc_host = 127.0.0.1\nimapc_port = " + legacyPort + "\nimapc_master_user = master\n"
        + "imapc_password = master-secret\nimapc_features = rfc822.size\n"
        + "mail_location = maildir:" + store + "/%n/Maildir\nadmin_socket = " + dir.resolve("admin.sock") + "\n"
        + extra + "\n" + String.join("\n", settings) + "\n");
  }

  private static long count(Path store, List<String> users) {
    long n = 0;
    for (String user : users) {
      MailStore s = MaildirStore.open(store.resolve(user).resolve("Maildir"), StoreOptions.DEFAULT);
      for (String folder : s.listFolders()) {
        n += s.open(folder).status().messages();
      }
    }
    return n;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Comparator.naturalOrder());
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
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
