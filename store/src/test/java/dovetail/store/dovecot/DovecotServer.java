package dovetail.store.dovecot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A private, real Dovecot 2.3 instance for tests: Dovecot as the legacy server, and Dovecot as the judge of
 * what our store wrote.
 *
 * <p>Everything lives under one work directory: {@code dovecot.conf}, the passwd files, {@code run/}
 * (base_dir), {@code state/}, {@code dovecot.log}, and the user homes {@code home/<user>} with the Maildir at
 * {@code home/<user>/Maildir} ({@code mail_location = maildir:~/Maildir}). It listens on 127.0.0.1 only, on
 * free high ports, for IMAP and POP3 without TLS and with plaintext authentication.
 *
 * <p>Dovecot refuses to give mail access to uid 0, so when the tests run as root the users get uid/gid
 * 65534 (nobody) and their homes are chowned to it before start; call {@link #chownStore(String)} after a
 * test (running as root) wrote files into a home while the server runs. When the tests do not run as root,
 * the users get the test's own uid and Dovecot runs unprivileged.
 *
 * <p>A failed login makes Dovecot delay later logins from 127.0.0.1 by a few seconds (its auth penalty, which
 * {@code login_trusted_networks} does not lift), so tests of wrong passwords are better given their own instance.
 *
 * <pre>{@code
 * try (DovecotServer dovecot = DovecotServer.builder(tmp).user("alice", "secret").start()) {
 *   try (ImapProbe imap = ImapProbe.login(dovecot, "alice")) { ... }
 *   assertEquals(List.of(), dovecot.logProblems());
 * }
 * }</pre>
 */
public final class DovecotServer implements AutoCloseable {
  /** The uid and gid of mail users when the tests run as root: Dovecot refuses uid 0. */
  public static final int NOBODY = 65534;

  static final String NOT_INSTALLED =
      "Dovecot is not installed: apt-get install dovecot-imapd dovecot-pop3d (CI installs it)";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
  private static final int START_ATTEMPTS = 3;

  /** Log lines that signal trouble; "Broken", "rebuild" and "corrupt" catch Dovecot's repairs of our files. */
  private static final Pattern PROBLEM =
      Pattern.compile("Error|Panic|Fatal|Warning|(?i:broken|rebuild|corrupt)");
  /**
   * Not problems of the store: what the master logs when close() stops it with SIGTERM, and the host's inotify limit
   * per user, which other Dovecots on the machine (the mail uid is shared) can use up (Dovecot polls instead).
   */
  private static final Pattern NOT_A_PROBLEM = Pattern.compile("master: Warning: Killed with signal 15 "
      + "|Warning: Inotify instance limit for user \\d+ \\(UID [^)]*\\) exceeded, disabling");

  private final Builder config;
  private final Path workDir;
  private final Path confFile;
  private final Path logFile;
  private final Path stdoutFile;
  private final boolean root;
  private final int mailUid;
  private final int mailGid;
  private final List<String> doveadmProblems = new ArrayList<>();
  private Process process;
  private Thread shutdownHook;
  private int imapPort;
  private int pop3Port;

  private DovecotServer(Builder config) {
    this.config = config;
    this.workDir = config.workDir.toAbsolutePath().normalize();
    this.confFile = workDir.resolve("dovecot.conf");
    this.logFile = workDir.resolve("dovecot.log");
    this.stdoutFile = workDir.resolve("dovecot-stdout.log");
    int[] ids = Posix.currentIds();
    this.root = ids[0] == 0;
    this.mailUid = root ? NOBODY : ids[0];
    this.mailGid = root ? NOBODY : ids[1];
  }

  public static Builder builder(Path workDir) {
    return new Builder(workDir);
  }

  /**
   * Aborts (skips) the calling test when Dovecot is not installed. {@link Builder#start()} calls it too.
   */
  public static void assumeInstalled() {
    Assumptions.assumeTrue(dovecotBinary().isPresent(), NOT_INSTALLED);
  }

  static Optional<Path> dovecotBinary() {
    List<Path> candidates = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(":")) {
        if (!dir.isEmpty()) {
          candidates.add(Path.of(dir, "dovecot"));
        }
      }
    }
    candidates.add(Path.of("/usr/sbin/dovecot"));
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }

  private static Path toolNextTo(Path dovecot, String tool) {
    for (Path dir : List.of(dovecot.getParent(), Path.of("/usr/bin"), Path.of("/usr/sbin"))) {
      Path p = dir.resolve(tool);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return Path.of(tool);
  }

  // ------------------------------------------------------------------------------------------------
  // What tests use

  public int imapPort() {
    return imapPort;
  }

  public int pop3Port() {
    return pop3Port;
  }

  public String host() {
    return "127.0.0.1";
  }

  public Path workDir() {
    return workDir;
  }

  public Path configFile() {
    return confFile;
  }

  /** The user's home: {@code workDir/home/<user>}. */
  public Path home(String user) {
    return workDir.resolve("home").resolve(user);
  }

  /** The user's Maildir root (the INBOX directory): {@code workDir/home/<user>/Maildir}. */
  public Path maildir(String user) {
    return home(user).resolve("Maildir");
  }

  public static Path maildir(Path workDir, String user) {
    return workDir.resolve("home").resolve(user).resolve("Maildir");
  }

  /** The password the builder gave this user (or master user). */
  public String password(String user) {
    String pw = config.users.get(user);
    if (pw == null && user.equals(config.masterUser)) {
      pw = config.masterPassword;
    }
    if (pw == null) {
      throw new IllegalArgumentException("no such user: " + user);
    }
    return pw;
  }

  /** The login name for logging in as {@code user} with the master user's password: {@code user*master}. */
  public String masterLogin(String user) {
    if (config.masterUser == null) {
      throw new IllegalStateException("no master user configured");
    }
    return user + "*" + config.masterUser;
  }

  public Optional<String> masterUser() {
    return Optional.ofNullable(config.masterUser);
  }

  /**
   * Changes the master user's password in its passwd-file, as an operator would on the running server, and waits
   * until Dovecot logs the master user in with it: Dovecot looks at a changed passwd-file at most once a second
   * (db-passwd-file.c, passwd_file_sync), so a login right after the write may still take the old password.
   */
  public void changeMasterPassword(String password) {
    if (config.masterUser == null) {
      throw new IllegalStateException("no master user configured");
    }
    String user = config.users.keySet().stream().findFirst()
        .orElseThrow(() -> new IllegalStateException("no user to log in as"));
    try {
      Files.writeString(workDir.resolve("masters"), config.masterUser + ":{PLAIN}" + password + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    config.masterPassword = password;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (ImapProbe probe = ImapProbe.login(imapPort, masterLogin(user), password)) {
        return;
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Dovecot still refuses the new master password", e);
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** The uid that owns the mail files (65534 when the tests run as root). */
  public int mailUid() {
    return mailUid;
  }

  public int mailGid() {
    return mailGid;
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** The whole Dovecot log ({@code log_path}). */
  public String log() {
    try {
      return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Log lines with Error, Panic, Fatal, Warning, or "broken", "rebuild", "corrupt" (Dovecot's words when it
   * repairs a uidlist, a keywords file or a cache), plus anything doveadm printed on stderr. The warning that
   * the master logs when {@link #close()} stops it is left out.
   */
  public List<String> logProblems() {
    List<String> out = new ArrayList<>();
    for (String line : log().split("\n")) {
      if (PROBLEM.matcher(line).find() && !NOT_A_PROBLEM.matcher(line).find()) {
        out.add(line);
      }
    }
    synchronized (doveadmProblems) {
      out.addAll(doveadmProblems);
    }
    return out;
  }

  /** Re-owns the user's whole home tree to the mail uid/gid, after a test (running as root) wrote into it. */
  public void chownStore(String user) {
    if (root) {
      Posix.chownTree(home(user), mailUid, mailGid);
    }
  }

  /**
   * Runs {@code doveadm -c <config> args...} (the server must run for {@code -u user}) and returns stdout.
   * Whatever doveadm prints on stderr is added to {@link #logProblems()}.
   *
   * @throws IllegalStateException when doveadm exits with a non-zero status
   */
  public String doveadm(String... args) {
    return runDoveadm(List.of(), args);
  }

  /**
   * Runs doveadm for one user without the server (format document, section 13): as the mail uid, with USER and
   * HOME set and no {@code -u}, so no userdb lookup is needed. For example
   * {@code doveadmOffline("alice", "-f", "tab", "fetch", "uid flags", "mailbox", "INBOX", "all")}. Like any
   * client, doveadm builds Dovecot's index files and applies Dovecot's repairs.
   */
  public String doveadmOffline(String user, String... args) {
    if (!config.users.containsKey(user)) {
      throw new IllegalArgumentException("no such user: " + user);
    }
    List<String> prefix = new ArrayList<>();
    if (root) {
      prefix.addAll(List.of("setpriv", "--reuid=" + mailUid, "--regid=" + mailGid, "--clear-groups"));
    }
    prefix.addAll(List.of("env", "USER=" + user, "HOME=" + home(user)));
    String[] full = new String[args.length + 2];
    full[0] = "-o";
    full[1] = "stats_writer_socket_path=";
    System.arraycopy(args, 0, full, 2, args.length);
    return runDoveadm(prefix, full);
  }

  private String runDoveadm(List<String> prefix, String... args) {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.add(toolNextTo(dovecotBinary().orElseThrow(), "doveadm").toString());
    cmd.add("-c");
    cmd.add(confFile.toString());
    cmd.addAll(Arrays.asList(args));
    Exec.Result r = Exec.run(cmd, COMMAND_TIMEOUT);
    if (!r.stderr().isBlank()) {
      synchronized (doveadmProblems) {
        for (String line : r.stderr().split("\n")) {
          if (!line.isBlank()) {
            doveadmProblems.add("doveadm " + String.join(" ", args) + ": " + line);
          }
        }
      }
    }
    if (r.exitCode() != 0) {
      throw new IllegalStateException("doveadm " + String.join(" ", args) + " exited with " + r.exitCode()
          + ": " + r.stderr() + r.stdout());
    }
    return r.stdout();
  }

  /**
   * {@code doveadm -f tab <args>}: one map per output row, keyed by the header row, in output order. For
   * example {@code doveadmTable("mailbox", "status", "-u", "alice", "messages uidvalidity uidnext", "*")}.
   */
  public List<Map<String, String>> doveadmTable(String... args) {
    String[] full = new String[args.length + 2];
    full[0] = "-f";
    full[1] = "tab";
    System.arraycopy(args, 0, full, 2, args.length);
    return parseTable(doveadm(full));
  }

  /** The rows of doveadm's {@code -f tab} output, keyed by its header row, in output order. */
  public static List<Map<String, String>> parseTable(String tabOutput) {
    List<Map<String, String>> rows = new ArrayList<>();
    String[] lines = tabOutput.split("\n");
    if (lines.length == 0 || lines[0].isEmpty()) {
      return rows;
    }
    String[] header = lines[0].split("\t", -1);
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isEmpty()) {
        continue;
      }
      String[] values = lines[i].split("\t", -1);
      Map<String, String> row = new LinkedHashMap<>();
      for (int c = 0; c < header.length; c++) {
        row.put(header[c], c < values.length ? values[c] : "");
      }
      rows.add(row);
    }
    return rows;
  }

  /** Stops Dovecot (SIGTERM to the master, then SIGKILL to what is left) and waits until its ports close. */
  @Override
  public synchronized void close() {
    if (process == null) {
      return;
    }
    try {
      stopProcess();
    } finally {
      process = null;
      if (shutdownHook != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
          // the JVM is shutting down; the hook runs anyway
        }
        shutdownHook = null;
      }
    }
  }

  private void stopProcess() {
    Process master = process;
    List<ProcessHandle> children = master.descendants().toList();
    // dovecot -F: the master is our child; base_dir/master.pid names the same process.
    long pid = readMasterPid().orElse(master.pid());
    if (pid != master.pid()) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
    }
    master.destroy();
    try {
      if (!master.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        master.destroyForcibly();
        master.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      master.destroyForcibly();
    }
    for (ProcessHandle child : children) {
      if (child.isAlive()) {
        child.destroyForcibly();
      }
    }
    long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
    while ((accepts(imapPort) || accepts(pop3Port)) && System.nanoTime() < deadline) {
      sleep(50);
    }
    if (accepts(imapPort) || accepts(pop3Port)) {
      throw new IllegalStateException("Dovecot still listens on " + imapPort + "/" + pop3Port + " after stop");
    }
  }

  private Optional<Long> readMasterPid() {
    Path pidFile = workDir.resolve("run").resolve("master.pid");
    try {
      return Optional.of(Long.parseLong(Files.readString(pidFile).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  // ------------------------------------------------------------------------------------------------
  // Start

  private DovecotServer start() {
    assumeInstalled();
    try {
      prepareDirectories();
      writeUserFiles();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Dovecot's work directory " + workDir, e);
    }
    for (String user : config.users.keySet()) {
      chownStore(user);
    }
    IllegalStateException last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      int[] ports = freePorts(2);
      imapPort = ports[0];
      pop3Port = ports[1];
      try {
        writeConfig();
        checkConfig();
        launch();
        return this;
      } catch (PortTakenException e) {
        // another process took a port between our probe and Dovecot's bind: pick new ports
        last = e;
      }
    }
    throw last;
  }

  private void prepareDirectories() throws IOException {
    if (workDir.toString().chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("the Dovecot work directory must not contain spaces: " + workDir);
    }
    Files.createDirectories(workDir);
    // Login processes (dovenull) and mail processes (the mail uid) must reach base_dir and the homes.
    Posix.makeTraversable(workDir);
    Posix.chmod(workDir, "rwxr-xr-x");
    for (String dir : List.of("run", "state", "home")) {
      Path p = workDir.resolve(dir);
      Files.createDirectories(p);
      Posix.chmod(p, "rwxr-xr-x");
    }
    for (String user : config.users.keySet()) {
      Files.createDirectories(home(user));
    }
    Files.deleteIfExists(workDir.resolve("run").resolve("master.pid"));
  }

  private void writeUserFiles() throws IOException {
    StringBuilder users = new StringBuilder();
    for (Map.Entry<String, String> u : config.users.entrySet()) {
      users.append(u.getKey()).append(":{PLAIN}").append(u.getValue()).append(':').append(mailUid).append(':')
          .append(mailGid).append("::").append(home(u.getKey())).append("::\n");
    }
    Files.writeString(workDir.resolve("users"), users.toString());
    if (config.masterUser != null) {
      Files.writeString(workDir.resolve("masters"), config.masterUser + ":{PLAIN}" + config.masterPassword + "\n");
    }
  }

  private String configText() {
    StringBuilder c = new StringBuilder();
    c.append("# Generated by dovetail.store.dovecot.DovecotServer: a private test instance.\n");
    c.append("base_dir = ").append(workDir.resolve("run")).append('\n');
    c.append("state_dir = ").append(workDir.resolve("state")).append('\n');
    c.append("instance_name = dovetail-test-").append(Integer.toHexString(workDir.toString().hashCode())).append('\n');
    c.append("protocols = imap pop3\n");
    c.append("listen = 127.0.0.1\n");
    c.append("ssl = no\n");
    c.append("disable_plaintext_auth = no\n");
    c.append("auth_mechanisms = plain login\n");
    // A refused login answers at once, not after 2 s: tests of wrong passwords wait for nothing but the auth penalty
    // (an extraConfig line can set it back).
    c.append("auth_failure_delay = 0\n");
    c.append("log_path = ").append(logFile).append('\n');
    c.append("mail_debug = ").append(yesNo(config.mailDebug)).append('\n');
    c.append("auth_verbose = ").append(yesNo(config.authVerbose)).append('\n');
    c.append("auth_debug = ").append(yesNo(config.mailDebug)).append('\n');
    c.append("mail_location = maildir:~/Maildir\n");
    c.append("first_valid_uid = ").append(Math.min(mailUid, 500)).append('\n');
    if (!root) {
      // Unprivileged: Dovecot runs everything as the invoking user, without chroots.
      String me = System.getProperty("user.name");
      c.append("default_internal_user = ").append(me).append('\n');
      c.append("default_login_user = ").append(me).append('\n');
      c.append("default_internal_group = ").append(Posix.groupName(mailGid)).append('\n');
      c.append("service anvil {\n  chroot =\n}\n");
    }
    if (config.masterUser != null) {
      c.append("auth_master_user_separator = *\n");
      c.append("passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u ")
          .append(workDir.resolve("masters")).append("\n  master = yes\n  result_success = continue\n}\n");
    }
    c.append("passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u ")
        .append(workDir.resolve("users")).append("\n}\n");
    c.append("userdb {\n  driver = passwd-file\n  args = username_format=%u ")
        .append(workDir.resolve("users")).append("\n}\n");
    c.append("namespace inbox {\n  inbox = yes\n  separator = /\n");
    for (SpecialUse m : config.specialUse.values()) {
      c.append("  mailbox \"").append(m.name()).append("\" {\n    special_use = ").append(m.flag())
          .append("\n    auto = ").append(config.autoCreate ? m.auto().setting : Auto.NO.setting).append("\n  }\n");
    }
    c.append("}\n");
    c.append("pop3_uidl_format = ").append(config.pop3UidlFormat).append('\n');
    c.append("pop3_no_flag_updates = ").append(yesNo(config.pop3NoFlagUpdates)).append('\n');
    String chroot = root ? "" : "  chroot =\n";
    c.append("service imap-login {\n").append(chroot).append("  inet_listener imap {\n    address = 127.0.0.1\n    port = ").append(imapPort)
        .append("\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}\n");
    c.append("service pop3-login {\n").append(chroot).append("  inet_listener pop3 {\n    address = 127.0.0.1\n    port = ").append(pop3Port)
        .append("\n  }\n  inet_listener pop3s {\n    port = 0\n  }\n}\n");
    if (!config.extraConfig.isEmpty()) {
      c.append("# extraConfig\n").append(config.extraConfig).append('\n');
    }
    return c.toString();
  }

  private static String yesNo(boolean b) {
    return b ? "yes" : "no";
  }

  private void writeConfig() {
    try {
      Files.writeString(confFile, configText());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void checkConfig() {
    Path doveconf = toolNextTo(dovecotBinary().orElseThrow(), "doveconf");
    Exec.Result r = Exec.run(List.of(doveconf.toString(), "-n", "-c", confFile.toString()), COMMAND_TIMEOUT);
    if (r.exitCode() != 0) {
      throw new IllegalStateException("doveconf rejects " + confFile + ": " + r.stderr() + r.stdout());
    }
  }

  private void launch() {
    ProcessBuilder pb = new ProcessBuilder(dovecotBinary().orElseThrow().toString(), "-F", "-c", confFile.toString())
        .redirectErrorStream(true)
        .redirectOutput(stdoutFile.toFile());
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start dovecot", e);
    }
    shutdownHook = new Thread(this::close, "dovecot-stop-" + imapPort);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String problem = "";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        String why = startupOutput();
        close();
        if (why.contains("Address already in use")) {
          throw new PortTakenException(why);
        }
        throw new IllegalStateException("dovecot exited at start:\n" + why);
      }
      try {
        if (greets(imapPort, "* OK") && greets(pop3Port, "+OK")) {
          return;
        }
      } catch (IOException e) {
        problem = e.toString();
      }
      sleep(50);
    }
    String why = startupOutput();
    close();
    throw new IllegalStateException("dovecot did not greet on 127.0.0.1:" + imapPort + "/" + pop3Port + " within "
        + START_TIMEOUT + " (" + problem + "):\n" + why);
  }

  private String startupOutput() {
    String out = "";
    try {
      if (Files.exists(stdoutFile)) {
        out = Files.readString(stdoutFile);
      }
    } catch (IOException ignored) {
      // best effort: only used in an error message
    }
    return out + log();
  }

  private static boolean greets(int port, String prefix) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      s.setSoTimeout(5000);
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      String line = in.readLine();
      return line != null && line.startsWith(prefix);
    } catch (java.net.ConnectException e) {
      return false;
    }
  }

  private static boolean accepts(int port) {
    if (port <= 0) {
      return false;
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Distinct free ports on 127.0.0.1, held open together so that they differ. */
  private static int[] freePorts(int n) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(false);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find free ports", e);
    } finally {
      for (ServerSocket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing a probe socket
        }
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static final class PortTakenException extends IllegalStateException {
    PortTakenException(String message) {
      super("a port was taken before Dovecot bound it:\n" + message);
    }
  }

  // ------------------------------------------------------------------------------------------------
  // Builder

  /** Dovecot's {@code auto} setting of a special-use mailbox. */
  public enum Auto {
    NO("no"),
    CREATE("create"),
    SUBSCRIBE("subscribe");

    final String setting;

    Auto(String setting) {
      this.setting = setting;
    }
  }

  /** A {@code mailbox NAME { special_use = FLAG  auto = AUTO }} block in the inbox namespace. */
  public record SpecialUse(String name, String flag, Auto auto) {}

  public static final class Builder {
    private final Path workDir;
    private final Map<String, String> users = new LinkedHashMap<>();
    private final Map<String, SpecialUse> specialUse = new LinkedHashMap<>();
    private String masterUser;
    private String masterPassword;
    private String pop3UidlFormat = "%08Xu%08Xv";
    private boolean pop3NoFlagUpdates = true;
    private boolean autoCreate = true;
    private boolean mailDebug;
    private boolean authVerbose;
    private final StringBuilder extraConfig = new StringBuilder();

    private Builder(Path workDir) {
      this.workDir = workDir;
      specialUse("Sent", "\\Sent", Auto.SUBSCRIBE);
      specialUse("Drafts", "\\Drafts", Auto.SUBSCRIBE);
      specialUse("Trash", "\\Trash", Auto.SUBSCRIBE);
      specialUse("Junk", "\\Junk", Auto.CREATE);
    }

    /** A passwd-file user with a PLAIN password; its home is {@code workDir/home/<name>}. */
    public Builder user(String name, String password) {
      checkToken("user name", name);
      checkToken("password", password);
      users.put(name, password);
      return this;
    }

    /** A master user: log in as {@code user*master} with this password, or SASL PLAIN with authzid user. */
    public Builder masterUser(String name, String password) {
      checkToken("master user name", name);
      checkToken("password", password);
      masterUser = name;
      masterPassword = password;
      return this;
    }

    /** Default {@code %08Xu%08Xv} (Dovecot 2.3's default); only used for messages without a {@code P}. */
    public Builder pop3UidlFormat(String format) {
      pop3UidlFormat = format;
      return this;
    }

    /**
     * Default {@code true}: POP3 RETR/TOP do not set \Seen, so that reading through POP3 changes nothing on
     * disk. Set {@code false} for Dovecot's own default.
     */
    public Builder pop3NoFlagUpdates(boolean value) {
      pop3NoFlagUpdates = value;
      return this;
    }

    /**
     * Adds or replaces a special-use mailbox. By default Sent, Drafts and Trash ({@code auto = subscribe}) and
     * Junk ({@code auto = create}) are configured.
     */
    public Builder specialUse(String name, String flag, Auto auto) {
      specialUse.put(name, new SpecialUse(name, flag, auto));
      return this;
    }

    /** Removes all special-use mailboxes from the configuration. */
    public Builder noSpecialUse() {
      specialUse.clear();
      return this;
    }

    /**
     * {@code false} writes {@code auto = no} for every special-use mailbox: they keep their attribute but are
     * neither auto-created nor auto-subscribed, so LIST and LSUB show exactly what is on disk.
     */
    public Builder autoCreateSpecialUse(boolean value) {
      autoCreate = value;
      return this;
    }

    /** {@code mail_debug} and {@code auth_debug}. */
    public Builder mailDebug(boolean value) {
      mailDebug = value;
      return this;
    }

    public Builder authVerbose(boolean value) {
      authVerbose = value;
      return this;
    }

    /** Appended verbatim at the end of dovecot.conf (later settings override earlier ones). */
    public Builder extraConfig(String text) {
      extraConfig.append(text).append('\n');
      return this;
    }

    /** Writes the configuration, starts Dovecot and waits until IMAP and POP3 greet. Skips if not installed. */
    public DovecotServer start() {
      assumeInstalled();
      return new DovecotServer(this).start();
    }

    private static void checkToken(String what, String value) {
      if (value == null || value.isEmpty() || value.chars().anyMatch(c -> c <= ' ' || c == ':' || c == 0x7f)) {
        throw new IllegalArgumentException(what + " must be non-empty, without spaces or ':': " + value);
      }
    }
  }

  // ------------------------------------------------------------------------------------------------
  // Small OS helpers

  /** A command's result. */
  static final class Exec {
    record Result(int exitCode, String stdout, String stderr) {}

    static Result run(List<String> command, Duration timeout) {
      try {
        Path out = Files.createTempFile("dovecot-exec", ".out");
        Path err = Files.createTempFile("dovecot-exec", ".err");
        try {
          Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
          p.getOutputStream().close();
          if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out after " + timeout + ": " + command);
          }
          return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
          Files.deleteIfExists(out);
          Files.deleteIfExists(err);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot run " + command, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted: " + command, e);
      }
    }
  }

  static final class Posix {
    private Posix() {}

    /** {uid, gid} of this JVM. */
    static int[] currentIds() {
      com.sun.security.auth.module.UnixSystem unix = new com.sun.security.auth.module.UnixSystem();
      return new int[] {(int) unix.getUid(), (int) unix.getGid()};
    }

    static String groupName(int gid) {
      try {
        for (String line : Files.readAllLines(Path.of("/etc/group"))) {
          String[] f = line.split(":");
          if (f.length > 2 && f[2].equals(Integer.toString(gid))) {
            return f[0];
          }
        }
      } catch (IOException ignored) {
        // fall through
      }
      return Integer.toString(gid);
    }

    static void chmod(Path p, String perms) throws IOException {
      Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(perms));
    }

    /**
     * Adds o+x to the work directory's ancestors that lack it (JUnit's @TempDir is 0700), so that Dovecot's
     * unprivileged processes can reach base_dir and the homes.
     */
    static void makeTraversable(Path dir) throws IOException {
      for (Path p = dir.getParent(); p != null; p = p.getParent()) {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
        if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
          Set<PosixFilePermission> more = java.util.EnumSet.copyOf(perms);
          more.add(PosixFilePermission.OTHERS_EXECUTE);
          more.add(PosixFilePermission.GROUP_EXECUTE);
          try {
            Files.setPosixFilePermissions(p, more);
          } catch (IOException e) {
            throw new IOException(p + " is not traversable by Dovecot's processes and cannot be changed", e);
          }
        }
      }
    }

    static void chownTree(Path root, int uid, int gid) {
      if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      for (int attempt = 1; ; attempt++) {
        try (Stream<Path> all = Files.walk(root)) {
          for (Path p : (Iterable<Path>) all::iterator) {
            try {
              Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
              Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
            } catch (java.nio.file.NoSuchFileException raced) {
              // a file that Dovecot renamed or removed meanwhile
            }
          }
          return;
        } catch (UncheckedIOException e) {
          // a directory vanished during the walk (Dovecot renames and removes files): walk again
          if (!(e.getCause() instanceof java.nio.file.NoSuchFileException) || attempt == 3) {
            throw e;
          }
        } catch (IOException e) {
          throw new UncheckedIOException("cannot chown " + root, e);
        }
      }
    }
  }

  @Override
  public String toString() {
    return "Dovecot(" + workDir + ", imap=" + imapPort + ", pop3=" + pop3Port + ")";
  }

}
