package dovetail.proxy.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dovetail.store.MailStore;
import dovetail.store.StoreOptions;
import dovetail.store.maildir.MaildirStore;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar dovetail.jar backup} as an operator runs it: the work happens in a second JVM with the
 * short-run options, the terminal and the exit code pass through, and the second JVM never outlives the
 * first (SIGKILL or SIGTERM of the launcher), and a complete run leaves a class-data archive that the next
 * run maps. The jar is a manifest-only jar whose Main-Class is the Launcher, as in proxy/target/dovetail.jar
 * (built after the tests), over the test classpath with its class directories packed into jars (the JVM
 * archives classes from jars only). The archive cache is the test's own directory.
 */
class BatchJvmIT {
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  @TempDir Path dir;
  private final List<Process> started = new ArrayList<>();
  private ServerSocket silent;
  private final List<Socket> held = new ArrayList<>();
  /** Put before the java command: a shell that limits what the JVMs may write. */
  private List<String> wrapper = List.of();

  @AfterEach
  void stop() throws IOException {
    for (Process p : started) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    for (Socket s : held) {
      s.close();
    }
    if (silent != null) {
      silent.close();
    }
  }

  /** A jar like proxy/target/dovetail.jar: Main-Class Launcher, the test classpath (as jars) as its Class-Path. */
  private Path launcherJar() throws IOException {
    Path jar = dir.resolve("dovetail.jar");
    if (Files.exists(jar)) {
      return jar;
    }
    List<String> classPath = new ArrayList<>();
    int n = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry).toAbsolutePath();
      if (Files.isDirectory(p)) {
        Path packed = dir.resolve("lib").resolve((n++) + ".jar");
        pack(p, packed);
        p = packed;
      }
      // Relative to the jar, as a Class-Path entry should be: the JVM's class archive takes entries as file paths
      // under the jar's directory (a file: URI there is never found, so none of these classes would be archived).
      classPath.add(jar.getParent().relativize(p).toString());
    }
    Manifest manifest = manifest(String.join(" ", classPath));
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
      j.flush();
    }
    return jar;
  }

  private static Manifest manifest(String classPath) {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Launcher.class.getName());
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
    return manifest;
  }

  private static void pack(Path classes, Path jar) throws IOException {
    Files.createDirectories(jar.getParent());
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out);
        var files = Files.walk(classes)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
        j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
        Files.copy(f, j);
        j.closeEntry();
      }
    }
  }

  private Process start(List<String> jvmOptions, String... appArgs) throws IOException {
    return start(Map.of(), jvmOptions, appArgs);
  }

  private Process start(Map<String, String> environment, List<String> jvmOptions, String... appArgs) throws IOException {
    return start(environment, jvmOptions, launcherJar().getParent(), launcherJar().toString(), appArgs);
  }

  /** Runs {@code java -jar JAR} in {@code workDir}; {@code jar} as the operator names it (relative to workDir or not). */
  private Process start(Map<String, String> environment, List<String> jvmOptions, Path workDir, String jar,
      String... appArgs) throws IOException {
    launcherJar();
    List<String> command = new ArrayList<>(wrapper);
    command.addAll(List.of(JAVA, "-D" + ClassArchive.DIRECTORY + "=" + dir.resolve("cache")));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar));
    command.addAll(List.of(appArgs));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).directory(workDir.toFile())
        .redirectOutput(dir.resolve("out.txt").toFile());
    builder.environment().putAll(environment);
    Process p = builder.start();
    started.add(p);
    return p;
  }

  private String output() throws IOException {
    return Files.readString(dir.resolve("out.txt"));
  }

  private Path conf(int port, String password) throws IOException {
    Path conf = dir.resolve("dovetail.conf");
    Files.writeString(conf, "imapc_host = 127.0.0.1\nimapc_port = " + port + "\nimapc_password = " + password + "\n"
        + "mail_location = maildir:" + dir.resolve("store") + "/%n/Maildir\n");
    return conf;
  }

  /** A legacy server that accepts and never greets: the backup waits in the second JVM for as long as we like. */
  private int silentLegacy() throws IOException {
    silent = new ServerSocket();
    silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread accept = new Thread(() -> {
      try {
        while (true) {
          Socket s = silent.accept();
          synchronized (held) {
            held.add(s);
          }
        }
      } catch (IOException e) {
        // closed by the test
      }
    }, "silent-legacy");
    accept.setDaemon(true);
    accept.start();
    return silent.getLocalPort();
  }

  /**
   * The launcher's second JVM, once it runs java: for a moment after the fork the child is the JDK's jspawnhelper
   * (arguments: the JDK version and three descriptors), which a first version of this test read as the JVM's.
   */
  private static ProcessHandle awaitChild(Process launcher) throws InterruptedException {
    var launcherArguments = launcher.info().arguments().map(List::of);
    for (int i = 0; i < 600; i++) {
      for (ProcessHandle child : launcher.children().toList()) {
        // Between fork and exec a child still shows the launcher's own java command line (seen once in a full build).
        if (child.info().command().map(c -> Path.of(c).getFileName().toString().equals("java")).orElse(false)
            && !child.info().arguments().map(List::of).equals(launcherArguments)) {
          return child;
        }
      }
      assertTrue(launcher.isAlive(), "the launcher ended without starting a second JVM");
      Thread.sleep(50);
    }
    throw new AssertionError("no second JVM after 30 s");
  }

  private static List<String> arguments(ProcessHandle p) {
    return List.of(p.info().arguments().orElseThrow());
  }

  /** A complete backup of alice's {@code messages} messages from GreenMail through the jar; its exit must be 0. */
  private void completeBackup(int messages, List<String> jvmOptions) throws Exception {
    completeBackup(messages, jvmOptions, dir, launcherJar().toString());
  }

  private void completeBackup(int messages, List<String> jvmOptions, Path workDir, String jar) throws Exception {
    GreenMail legacy = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
    legacy.start();
    try {
      GreenMailUser alice = legacy.setUser("alice@example.com", "alice", "secret");
      for (int i = 1; i <= messages; i++) {
        alice.deliver(GreenMailUtil.newMimeMessage("Subject: " + i + "\r\n\r\nbody " + i + "\r\n"));
      }
      Process p = start(Map.of(), jvmOptions, workDir, jar, "backup", "-c", conf(legacy.getImap().getPort(), "secret").toString(),
          "-u", "alice");
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "backup did not finish");
      assertEquals(0, p.exitValue(), output());
    } finally {
      legacy.stop();
    }
  }

  @Test
  void aBackupRunsInTheSecondJvmAndItsOutputAndExitCodeComeBack() throws Exception {
    completeBackup(3, List.of("-Xmx256m"));
    assertTrue(output().contains("alice: complete"), output());
    MailStore store = MaildirStore.open(dir.resolve("store/alice/Maildir"), StoreOptions.DEFAULT);
    assertEquals(3, store.open("INBOX").status().messages());
  }

  @Test
  void aCompleteBackupLeavesAClassArchiveThatTheNextRunMapsQuietly() throws Exception {
    completeBackup(1, List.of());
    assertFalse(output().contains("[warning]") || output().contains("cds"), "nothing about archives on the terminal: "
        + output());
    List<Path> archives;
    try (var files = Files.list(dir.resolve("cache"))) {
      archives = files.filter(f -> f.toString().endsWith(".jsa")).toList();
    }
    assertEquals(1, archives.size(), archives.toString());

    Process launcher = start(List.of(), "backup", "-c", conf(silentLegacy(), "x").toString(), "-u", "alice");
    List<String> args = arguments(awaitChild(launcher));
    assertTrue(args.contains("-XX:SharedArchiveFile=" + archives.get(0)), args.toString());
  }

  @Test
  void theClassArchiveServesARunThatNamesTheJarFromAnotherDirectory() throws Exception {
    completeBackup(1, List.of(), dir, "dovetail.jar"); // writes the archive
    Path other = Files.createDirectories(dir.resolve("elsewhere"));
    Path loads = dir.resolve("loads");
    Files.createDirectories(loads);
    completeBackup(1, List.of("-Xlog:class+load:file=" + loads.resolve("%p.txt")), other, "../dovetail.jar");
    boolean mapped = false;
    try (var logs = Files.list(loads)) {
      for (Path log : (Iterable<Path>) logs::iterator) {
        // Only the second JVM maps the archive; the launcher loads its few classes from the jar.
        mapped |= Files.readAllLines(log).stream()
            .anyMatch(l -> l.contains(" dovetail.migrator.") && l.contains("source: shared objects file"));
      }
    }
    assertTrue(mapped, "the second run loaded our classes from the jar, not from the archive");
  }

  /** Files of at most 1 MB (ulimit -f; the JVM ignores SIGXFSZ): the store's messages fit, a 10 MB archive does not,
   * and the JVM fails at exit as on a full file system ("Unable to write to shared archive file", exit 1). */
  private static final List<String> SMALL_FILES_ONLY = List.of("/bin/sh", "-c", "ulimit -f 1024 && exec \"$@\"", "sh");

  @Test
  void aClassArchiveThatCannotBeWrittenLeavesABackupsExitCodeAloneAndIsNotTriedAgain() throws Exception {
    wrapper = SMALL_FILES_ONLY;
    completeBackup(2, List.of()); // exit 0 (the JVM's own would be 1)
    assertTrue(output().contains("alice: complete"), output());
    assertTrue(output().contains("dovetail: could not write the class-data archive in " + dir.resolve("cache")), output());
    assertEquals(List.of("unavailable"), cacheFileKinds());

    Process again = start(List.of(), "backup", "-c", dir.resolve("missing.conf").toString(), "-u", "alice");
    assertTrue(again.waitFor(60, TimeUnit.SECONDS));
    assertEquals(78, again.exitValue(), output());
    assertFalse(output().contains("archive"), "given up, not tried again: " + output());
    assertEquals(List.of("unavailable"), cacheFileKinds());
  }

  @Test
  void aClassArchiveThatCannotBeWrittenLeavesVerifysExitCodeAlone() throws Exception {
    GreenMail legacy = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
    legacy.start();
    try {
      GreenMailUser alice = legacy.setUser("alice@example.com", "alice", "secret");
      alice.deliver(GreenMailUtil.newMimeMessage("Subject: s\r\n\r\nbody\r\n"));
      Path conf = conf(legacy.getImap().getPort(), "secret");
      Process backup = start(List.of("-D" + BatchJvm.SWITCH + "=false"), "backup", "-c", conf.toString(), "-u", "alice");
      assertTrue(backup.waitFor(120, TimeUnit.SECONDS));
      assertEquals(0, backup.exitValue(), output());

      wrapper = SMALL_FILES_ONLY;
      Process verify = start(List.of(), "verify", "-c", conf.toString(), "-u", "alice");
      assertTrue(verify.waitFor(120, TimeUnit.SECONDS));
      assertTrue(output().contains("could not write the class-data archive"), output());
      assertEquals(0, verify.exitValue(), "verify's own 0 (same), not the JVM's 1 (different): " + output());
    } finally {
      legacy.stop();
    }
  }

  /** What the archive cache holds, by the last part of each name ("jsa", "unavailable", ...). */
  private List<String> cacheFileKinds() throws IOException {
    try (var files = Files.list(dir.resolve("cache"))) {
      return files.map(f -> f.getFileName().toString()).map(n -> n.substring(n.lastIndexOf('.') + 1)).sorted().toList();
    }
  }

  @Test
  void aConfigurationMistakeKeepsItsExitCode() throws Exception {
    Process p = start(List.of(), "backup", "-c", dir.resolve("missing.conf").toString(), "-u", "alice");
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(78, p.exitValue(), output());
    assertTrue(output().contains("missing.conf"), output());
  }

  @Test
  void anOperatorsOwnCollectorReplacesOurs() throws Exception {
    // With both collectors the second JVM would not start ("multiple garbage collectors selected").
    Process p = start(List.of("-XX:+UseSerialGC"), "backup", "-c", dir.resolve("missing.conf").toString(), "-u", "alice");
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(78, p.exitValue(), output());
    assertTrue(output().contains("missing.conf"), output());
    // Also when the choice comes from the environment, which the second JVM inherits.
    p = start(Map.of("JAVA_TOOL_OPTIONS", "-Xss1m -XX:+UseSerialGC"), List.of(), "backup", "-c",
        dir.resolve("missing.conf").toString(), "-u", "alice");
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(78, p.exitValue(), output());
  }

  @Test
  void theSecondJvmHasOurOptionsThenTheOperatorsAndDiesWithAKilledLauncher() throws Exception {
    Process launcher = start(List.of("-Xmx200m", "-Ddovetail.test.marker=1"), "backup", "-c",
        conf(silentLegacy(), "x").toString(), "-u", "alice");
    ProcessHandle child = awaitChild(launcher);
    List<String> args = arguments(child);
    int ours = args.indexOf("-XX:TieredStopAtLevel=1");
    assertTrue(ours >= 0 && ours < args.indexOf("-Xmx200m") && args.contains("-Ddovetail.test.marker=1"), args.toString());
    assertTrue(args.indexOf(BatchJvm.COLLECTOR) > ours && args.indexOf(BatchJvm.COLLECTOR) < args.indexOf("-Xmx200m"),
        args.toString());
    assertEquals(List.of("backup", "-c", dir.resolve("dovetail.conf").toString(), "-u", "alice"),
        args.subList(args.size() - 5, args.size()));

    launcher.destroyForcibly(); // SIGKILL: no hook of the launcher runs
    assertTrue(launcher.waitFor(30, TimeUnit.SECONDS));
    child.onExit().get(30, TimeUnit.SECONDS); // the second JVM notices and stops by itself
    assertFalse(child.isAlive());
  }

  @Test
  void aSigtermOfTheLauncherStopsTheSecondJvmBeforeTheLauncherEnds() throws Exception {
    Process launcher = start(List.of(), "backup", "-c", conf(silentLegacy(), "x").toString(), "-u", "alice");
    ProcessHandle child = awaitChild(launcher);
    launcher.destroy(); // SIGTERM
    assertTrue(launcher.waitFor(60, TimeUnit.SECONDS));
    assertFalse(child.isAlive(), "the launcher waits for the second JVM");
    assertEquals(143, launcher.exitValue());
  }

  @Test
  void batchJvmFalseKeepsTheBackupInTheOneJvm() throws Exception {
    Process launcher = start(List.of("-Ddovetail.batchJvm=false"), "backup", "-c", conf(silentLegacy(), "x").toString(),
        "-u", "alice");
    for (int i = 0; i < 600 && held.isEmpty(); i++) {
      Thread.sleep(50);
    }
    synchronized (held) {
      assertFalse(held.isEmpty(), "the backup never connected");
    }
    assertEquals(0, launcher.children().count(), "the connection came from the launcher's own JVM");
  }
}
