import dovetail.conf.FsyncMode;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.SystemFlag;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.maildir.MaildirStore;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The migration benchmark of issue 4. A real Dovecot 2.3 legacy server on loopback with a generated corpus
 * (default 20,000 messages in 10 folders, median about 8 KB, a tail up to 5 MB), migrated by
 * {@code java -jar proxy/target/dovetail.jar backup} into a fresh store on tmpfs, and compared with one raw
 * connection doing {@code UID FETCH 1:* (UID FLAGS INTERNALDATE BODY.PEEK[])} over every folder.
 *
 * <p>Run it through bench/run.sh. Arguments: {@code [--messages N] [--dir /dev/shm/dovetail-bench-PID] [--runs 3]
 * [--java-option OPTION]... [--backup-option ARG]...} (options for the backup's JVM, e.g. a flight recording;
 * arguments for the backup command, e.g. {@code -j 1}; {@code --setting "key = value"} adds a configuration line).
 * {@code --baseline-jar OTHER.jar} times a second build in every run too, in alternating order, so that two
 * builds are compared under the same machine load. With /usr/bin/time, each backup's CPU seconds (user + sys)
 * are printed as well: on a shared machine they vary much less than wall time. {@code --wrap "perf stat -o F"}
 * puts a command in front of the backup's java (a profiler); {@code --floor DIR} also times
 * {@code bench/FloorCopy.java} (compiled into DIR by run.sh), the least a Java program must do to land the corpus
 * in Maildir files, as a yardstick for what part of the ratio is the JVM and the file system's.
 */
public final class MigrationBench {
  private static final String USER = "alice";
  private static final int FOLDERS = 10;
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  public static void main(String[] args) throws Exception {
    int messages = 20_000;
    int runs = 3;
    // A directory of its own per run, so that two benches on one machine do not delete each other's files.
    Path dir = Path.of("/dev/shm/dovetail-bench-" + ProcessHandle.current().pid());
    Path jar = Path.of("proxy/target/dovetail.jar");
    Path baselineJar = null;
    List<String> javaOptions = new ArrayList<>();
    boolean corpusOnly = false;
    List<String> backupOptions = new ArrayList<>();
    List<String> settings = new ArrayList<>();
    Path floorClasses = null;
    List<String> wrapper = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--messages" -> messages = Integer.parseInt(args[++i]);
        case "--dir" -> dir = Path.of(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--jar" -> jar = Path.of(args[++i]);
        case "--baseline-jar" -> baselineJar = Path.of(args[++i]);
        case "--java-option" -> javaOptions.add(args[++i]);
        case "--corpus-only" -> corpusOnly = true;
        case "--backup-option" -> backupOptions.add(args[++i]);
        case "--setting" -> settings.add(args[++i]);
        case "--floor" -> floorClasses = Path.of(args[++i]);
        case "--wrap" -> wrapper.addAll(List.of(args[++i].trim().split("\\s+")));
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build with bench/run.sh or mvn -B -o -q package -DskipTests");
    }
    deleteTree(dir);
    Files.createDirectories(dir);
    Path legacyDir = dir.resolve("legacy");
    long t0 = System.nanoTime();
    Corpus corpus = Corpus.write(DovecotServer.maildir(legacyDir, USER), messages);
    System.out.printf(Locale.ROOT, "corpus: %d messages, %.1f MB in %d folders (median %.1f KB, largest %.1f MB), written in %.1f s%n",
        corpus.messages, corpus.bytes / 1e6, FOLDERS, corpus.medianBytes / 1e3, corpus.largestBytes / 1e6, secondsSince(t0));
    if (corpusOnly) {
      System.out.println("corpus left in " + legacyDir + " (--corpus-only)");
      return;
    }

    try (DovecotServer legacy = DovecotServer.builder(legacyDir).user(USER, "secret").masterUser("master", "master-secret")
        .autoCreateSpecialUse(false).start()) {
      // Dovecot builds its index and cache on first access: pay that outside the measurements.
      RawFetch warm = RawFetch.run(legacy.imapPort(), corpus.folders);
      System.out.printf(Locale.ROOT, "warm-up raw fetch: %.2f s, %d messages, %.1f MB%n", warm.seconds, warm.messages, warm.bytes / 1e6);
      // The first backup of a jar build writes its class-data archive (README, "backup"); every later one, as
      // every user after the first in a real migration, maps it. Time that first one apart.
      Timing first = migrate(jar, javaOptions, backupOptions, settings, wrapper, dir, "first", legacy.imapPort(), corpus);
      if (baselineJar != null) {
        migrate(baselineJar, javaOptions, backupOptions, settings, wrapper, dir, "base-first", legacy.imapPort(), corpus);
      }
      System.out.printf(Locale.ROOT, "warm-up backup (the jar's first run, untimed): %.2f s%n", first.seconds);

      List<Double> raw = new ArrayList<>();
      List<Timing> dovetail = new ArrayList<>();
      List<Timing> baseline = new ArrayList<>();
      List<Double> floor = new ArrayList<>();
      for (int run = 1; run <= runs; run++) {
        RawFetch r = RawFetch.run(legacy.imapPort(), corpus.folders);
        raw.add(r.seconds);
        check(r.messages == corpus.messages, "raw fetch saw " + r.messages + " messages");
        Timing base = null;
        if (baselineJar != null && run % 2 == 1) {
          base = migrate(baselineJar, javaOptions, backupOptions, settings, wrapper, dir, "base-" + run, legacy.imapPort(), corpus);
        }
        Timing t = migrate(jar, javaOptions, backupOptions, settings, wrapper, dir, "run-" + run, legacy.imapPort(), corpus);
        if (baselineJar != null && run % 2 == 0) {
          base = migrate(baselineJar, javaOptions, backupOptions, settings, wrapper, dir, "base-" + run, legacy.imapPort(), corpus);
        }
        dovetail.add(t);
        String floorText = "";
        if (floorClasses != null) {
          double f = FloorRun.seconds(floorClasses, dir.resolve("floor-" + run), legacy.imapPort(), corpus);
          floor.add(f);
          floorText = String.format(Locale.ROOT, "; floor %.2f s (ratio %.2f)", f, f / r.seconds);
        }
        System.out.printf(Locale.ROOT, "run %d: raw %.2f s, dovetail backup %.2f s (ratio %.2f, CPU %.2f s)%s%s%n", run,
            r.seconds, t.seconds, t.seconds / r.seconds, t.cpuSeconds, floorText,
            base == null ? "" : String.format(Locale.ROOT, "; baseline %.2f s (ratio %.2f, CPU %.2f s)", base.seconds,
                base.seconds / r.seconds, base.cpuSeconds));
        if (base != null) {
          baseline.add(base);
        }
      }
      double rawBest = raw.stream().min(Comparator.naturalOrder()).orElseThrow();
      double dovetailBest = dovetail.stream().mapToDouble(Timing::seconds).min().orElseThrow();
      double rawMedian = median(raw);
      double dovetailMedian = median(dovetail.stream().map(Timing::seconds).toList());
      System.out.println();
      System.out.printf(Locale.ROOT, "raw UID FETCH 1:* (UID FLAGS INTERNALDATE BODY.PEEK[]), one connection: median %.2f s, best %.2f s%n",
          rawMedian, rawBest);
      System.out.printf(Locale.ROOT, "dovetail backup (JVM start included):             median %.2f s, best %.2f s, CPU median %.2f s%n",
          dovetailMedian, dovetailBest, median(dovetail.stream().map(Timing::cpuSeconds).toList()));
      System.out.printf(Locale.ROOT, "dovetail: %.0f messages/s, %.1f MB/s; ratio to raw %.2fx (median), %.2fx (best of each)%n",
          corpus.messages / dovetailMedian, corpus.bytes / 1e6 / dovetailMedian, dovetailMedian / rawMedian,
          dovetailBest / rawBest);
      if (!floor.isEmpty()) {
        double floorMedian = median(floor);
        System.out.printf(Locale.ROOT, "floor (bench/FloorCopy.java: a bare Java fetch-and-write, no uidlist, flags, sizes or "
            + "resume, cold JVM with backup's C1-only setting, 2 connections): median %.2f s, ratio to raw %.2fx%n", floorMedian, floorMedian / rawMedian);
      }
      if (!baseline.isEmpty()) {
        double baseMedian = median(baseline.stream().map(Timing::seconds).toList());
        System.out.printf(Locale.ROOT, "baseline %s: median %.2f s (ratio to raw %.2fx), best %.2f s, CPU median %.2f s%n",
            baselineJar, baseMedian, baseMedian / rawMedian, baseline.stream().mapToDouble(Timing::seconds).min().orElseThrow(),
            median(baseline.stream().map(Timing::cpuSeconds).toList()));
      }
      List<String> problems = legacy.logProblems();
      if (!problems.isEmpty()) {
        System.out.println("legacy Dovecot log problems: " + problems);
      }
    } finally {
      deleteTree(dir);
    }
  }

  /** Wall and CPU seconds (user + sys; NaN without /usr/bin/time) of one backup process. */
  record Timing(double seconds, double cpuSeconds) {}

  /** One backup into a fresh store, checked and deleted afterwards. */
  private static Timing migrate(Path jar, List<String> javaOptions, List<String> backupOptions, List<String> settings,
      List<String> wrapper, Path dir, String name, int port, Corpus corpus) throws Exception {
    Path store = dir.resolve("store-" + name);
    Timing t = backup(jar, javaOptions, backupOptions, settings, wrapper, dir.resolve("dovetail-" + name + ".conf"), port,
        store);
    int migrated = count(store.resolve(USER).resolve("Maildir"), corpus.folders);
    check(migrated == corpus.messages, "the store holds " + migrated + " messages");
    deleteTree(store);
    return t;
  }

  /** {@code java -jar dovetail.jar backup}; returns its wall time and, with /usr/bin/time, its CPU time. */
  private static Timing backup(Path jar, List<String> javaOptions, List<String> backupOptions, List<String> settings,
      List<String> wrapper, Path conf, int port, Path store) throws Exception {
    Files.writeString(conf, "imapc_host = 127.0.0.1\nimapc_port = " + port + "\nimapc_master_user = master\n"
        + "imapc_password = master-secret\nimapc_features = rfc822.size\n"
        + "mail_location = maildir:" + store + "/%n/Maildir\n" + String.join("\n", settings) + "\n");
    Path log = conf.resolveSibling(conf.getFileName() + ".out");
    Path cpu = conf.resolveSibling(conf.getFileName() + ".cpu");
    Path time = Path.of("/usr/bin/time");
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(time)) {
      command.addAll(List.of(time.toString(), "-f", "%U %S", "-o", cpu.toString()));
    }
    command.addAll(wrapper);
    command.add(JAVA);
    command.addAll(javaOptions);
    command.addAll(List.of("-jar", jar.toString(), "backup", "-c", conf.toString(), "-u", USER));
    command.addAll(backupOptions);
    long start = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    check(p.waitFor(30, TimeUnit.MINUTES), "backup did not finish");
    double seconds = secondsSince(start);
    String out = Files.readString(log);
    check(p.exitValue() == 0, "backup exited with " + p.exitValue() + ":\n" + out);
    out.lines().filter(l -> l.startsWith(USER + ": ")).forEach(l -> System.out.println("  " + l));
    double cpuSeconds = Double.NaN;
    if (Files.exists(cpu)) {
      String[] userSys = Files.readString(cpu).trim().split("\\s+");
      cpuSeconds = Double.parseDouble(userSys[userSys.length - 2]) + Double.parseDouble(userSys[userSys.length - 1]);
    }
    return new Timing(seconds, cpuSeconds);
  }

  /** Runs bench/FloorCopy (compiled by run.sh) into {@code store} in a JVM of its own; wall seconds. */
  static final class FloorRun {
    static double seconds(Path classes, Path store, int port, Corpus corpus) throws Exception {
      // C1 only, as the Launcher runs backup's JVM (BatchJvm.OPTIONS): the floor gets the same compiler.
      List<String> command = new ArrayList<>(List.of(JAVA, "-XX:TieredStopAtLevel=1",
          "-cp", classes.toString(), "FloorCopy", Integer.toString(port), store.toString(), USER, "2"));
      command.addAll(corpus.folders);
      long start = System.nanoTime();
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      check(p.waitFor() == 0, "FloorCopy failed: " + out);
      double seconds = secondsSince(start);
      check(out.equals(Integer.toString(corpus.messages)), "FloorCopy copied " + out + " messages");
      deleteTree(store);
      return seconds;
    }
  }

  private static int count(Path root, List<String> folders) {
    MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT);
    return folders.stream().mapToInt(f -> store.open(f).status().messages()).sum();
  }

  /** One connection, one UID FETCH per folder, every byte read and parsed (literals by their length). */
  static final class RawFetch {
    int messages;
    long bytes;
    double seconds;

    static RawFetch run(int port, List<String> folders) throws IOException {
      RawFetch r = new RawFetch();
      long start = System.nanoTime();
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        s.setTcpNoDelay(true);
        InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
        OutputStream out = s.getOutputStream();
        readLine(in); // greeting
        command(in, out, "a LOGIN " + USER + "*master master-secret", null);
        int tag = 0;
        for (String folder : folders) {
          command(in, out, "s" + tag + " EXAMINE \"" + folder + "\"", null);
          command(in, out, "f" + tag + " UID FETCH 1:* (UID FLAGS INTERNALDATE BODY.PEEK[])", r);
          tag++;
        }
        command(in, out, "z LOGOUT", null);
      }
      r.seconds = secondsSince(start);
      return r;
    }

    private static void command(InputStream in, OutputStream out, String command, RawFetch counts) throws IOException {
      String tag = command.substring(0, command.indexOf(' '));
      out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      while (true) {
        String line = readLine(in);
        // A line that ends with a literal continues after the literal's bytes.
        while (line.endsWith("}") && line.lastIndexOf('{') >= 0) {
          long n = Long.parseLong(line.substring(line.lastIndexOf('{') + 1, line.length() - 1));
          skip(in, n);
          if (counts != null) {
            counts.messages++;
            counts.bytes += n;
          }
          line = readLine(in);
        }
        if (line.startsWith(tag + " ")) {
          if (!line.startsWith(tag + " OK")) {
            throw new IOException(command + ": " + line);
          }
          return;
        }
      }
    }

    private static void skip(InputStream in, long n) throws IOException {
      byte[] buffer = new byte[1 << 16];
      while (n > 0) {
        int got = in.read(buffer, 0, (int) Math.min(buffer.length, n));
        if (got < 0) {
          throw new IOException("connection closed inside a literal");
        }
        n -= got;
      }
    }

    private static String readLine(InputStream in) throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream(128);
      int b;
      while ((b = in.read()) >= 0 && b != '\n') {
        line.write(b);
      }
      if (b < 0) {
        throw new IOException("connection closed");
      }
      String s = line.toString(StandardCharsets.ISO_8859_1);
      return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
  }

  /** The generated mailbox: sizes drawn from a log-normal around 8 KB plus a thin tail up to 5 MB. */
  static final class Corpus {
    final List<String> folders = new ArrayList<>();
    int messages;
    long bytes;
    long medianBytes;
    long largestBytes;

    static Corpus write(Path root, int total) {
      return write(root, total, FOLDERS);
    }

    /** {@code folderCount} folders (the first is INBOX) sharing {@code total} messages. */
    static Corpus write(Path root, int total, int folderCount) {
      Corpus c = new Corpus();
      Random random = new Random(42);
      MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT.withFsync(FsyncMode.NEVER));
      List<Integer> sizes = new ArrayList<>();
      byte[] pool = new byte[6 << 20];
      for (int i = 0; i < pool.length; i++) {
        pool[i] = (byte) "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".charAt(random.nextInt(64));
      }
      for (int f = 0; f < folderCount; f++) {
        String name = f == 0 ? "INBOX" : "Folder" + f;
        c.folders.add(name);
        Mailbox box = store.create(name, 1_000_000 + f, 1);
        int count = total / folderCount + (f < total % folderCount ? 1 : 0);
        long uid = 0;
        try (MailboxTransaction tx = box.begin()) {
          for (int i = 0; i < count; i++) {
            uid += 1 + (random.nextInt(20) == 0 ? random.nextInt(3) : 0);
            int size = random.nextInt(500) == 0 ? 500_000 + random.nextInt(4_500_000)
                : (int) Math.min(5_000_000, Math.max(300, Math.exp(Math.log(8000) + 0.9 * random.nextGaussian())));
            sizes.add(size);
            c.bytes += size;
            Set<SystemFlag> flags = EnumSet.noneOf(SystemFlag.class);
            if (random.nextInt(10) < 8) {
              flags.add(SystemFlag.SEEN);
            }
            if (random.nextInt(20) == 0) {
              flags.add(SystemFlag.FLAGGED);
            }
            Flags all = new Flags(flags, random.nextInt(10) == 0 ? Set.of("$Forwarded") : Set.of());
            tx.add(MessageMeta.withUid(uid, Instant.ofEpochSecond(1_400_000_000L + random.nextInt(300_000_000)), all),
                message(size, random, pool));
            if (tx.pending() >= 1000) {
              tx.commit();
            }
          }
          tx.raiseNextUid(uid + 1);
          tx.commit();
        }
        c.messages += count;
      }
      sizes.sort(Comparator.naturalOrder());
      c.medianBytes = sizes.get(sizes.size() / 2);
      c.largestBytes = sizes.get(sizes.size() - 1);
      return c;
    }

    private static InputStream message(int size, Random random, byte[] pool) {
      byte[] head = ("From: sender" + random.nextInt(1000) + "@example.com\r\nTo: alice@example.com\r\nSubject: message "
          + random.nextLong() + "\r\nDate: Mon, 1 Feb 2021 10:11:12 +0100\r\nMessage-ID: <" + random.nextLong()
          + "@example.com>\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
      ByteArrayOutputStream out = new ByteArrayOutputStream(size + 100);
      out.writeBytes(head);
      int offset = random.nextInt(pool.length - size - 1000);
      while (out.size() < size) {
        int line = Math.min(76, size - out.size());
        out.write(pool, offset, line);
        offset += line;
        out.write('\r');
        out.write('\n');
      }
      return new java.io.ByteArrayInputStream(out.toByteArray());
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Comparator.naturalOrder());
    return sorted.get(sorted.size() / 2);
  }

  private static double secondsSince(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }

  /** Copies a directory tree, keeping file times (Maildir dates live in mtimes). */
  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.sorted(Comparator.naturalOrder()).toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
