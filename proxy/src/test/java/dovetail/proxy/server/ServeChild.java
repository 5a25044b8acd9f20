package dovetail.proxy.server;

import dovetail.proxy.cli.DovetailCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code dovetail serve -c FILE} in a child JVM on the test classpath, its output collected as it comes, so that a
 * test can kill it with SIGKILL (a crash no shutdown hook sees) and start it again on the same store. The child's
 * {@code java.io.tmpdir} is a directory of its own, removed once the child is gone: a killed server cannot remove
 * its LMTP transit directory itself.
 */
public final class ServeChild implements AutoCloseable {
  private static final Pattern IMAP = Pattern.compile("IMAP listening on .*:(\\d+)");
  private static final Pattern POP3 = Pattern.compile("POP3 listening on .*:(\\d+)");
  private static final Pattern LMTP = Pattern.compile("LMTP listening on .*:(\\d+)");

  private final Process process;
  private final Path tmpDir;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private ServeChild(Process process, Path tmpDir) {
    this.process = process;
    this.tmpDir = tmpDir;
    this.reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the process was killed
      }
    }, "serve-child-output");
    reader.setDaemon(true);
    reader.start();
  }

  public static ServeChild start(Path conf) {
    return start(conf, List.of("-Xmx256m"));
  }

  /** @param jvmOptions e.g. a heap size or a flight recording */
  public static ServeChild start(Path conf, List<String> jvmOptions) {
    try {
      return start(List.of(), System.getProperty("java.class.path"), conf, jvmOptions);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * As {@link #start(Path)}, run as {@link Nobody}, on a {@code classpath} nobody can read
   * ({@link Nobody#classpathIn}); the caller hands the store and the configuration to nobody ({@link Nobody#own}).
   */
  public static ServeChild startAsNobody(Path conf, String classpath) {
    try {
      return start(Nobody.prefix(), classpath, conf, List.of("-Xmx256m"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ServeChild start(List<String> asUser, String classpath, Path conf, List<String> jvmOptions)
      throws IOException {
    Path tmpDir = Files.createTempDirectory("dovetail-serve-child-");
    if (!asUser.isEmpty()) {
      Nobody.own(tmpDir);
    }
    List<String> command = new ArrayList<>(asUser);
    command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.io.tmpdir=" + tmpDir));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classpath, DovetailCommand.class.getName(), "serve", "-c", conf.toString()));
    return new ServeChild(new ProcessBuilder(command).redirectErrorStream(true).start(), tmpDir);
  }

  /** The IMAP port from the "IMAP listening on" log line (imap_listen = 127.0.0.1:0). */
  public int awaitImapPort(int seconds) throws InterruptedException {
    return awaitPort(IMAP, seconds);
  }

  /** The POP3 port from the "POP3 listening on" log line (pop3_listen = 127.0.0.1:0). */
  public int awaitPop3Port(int seconds) throws InterruptedException {
    return awaitPort(POP3, seconds);
  }

  /** The LMTP port from the "LMTP listening on" log line (lmtp_listen = 127.0.0.1:0). */
  public int awaitLmtpPort(int seconds) throws InterruptedException {
    return awaitPort(LMTP, seconds);
  }

  private int awaitPort(Pattern listening, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      for (String line : lines()) {
        Matcher m = listening.matcher(line);
        if (m.find()) {
          return Integer.parseInt(m.group(1));
        }
      }
      if (!process.isAlive()) {
        throw new AssertionError("serve exited with " + process.exitValue() + " before listening:\n" + output());
      }
      Thread.sleep(20);
    }
    throw new AssertionError("serve did not listen within " + seconds + " s:\n" + output());
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** kill -9: Process.destroyForcibly sends SIGKILL on Linux. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new AssertionError("serve survived SIGKILL for 60 s");
    }
    reader.join(5000);
    deleteTmpDir();
  }

  /** SIGHUP, as logrotate's postrotate or a unit's ExecReload sends it. */
  public void hangUp() throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new AssertionError("kill -HUP " + process.pid() + " failed");
    }
  }

  /** SIGTERM, as an operator stops it; the exit code (143 after a clean stop). */
  public int stop() throws InterruptedException {
    process.toHandle().destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("serve did not stop within 60 s of SIGTERM:\n" + output());
    }
    reader.join(5000);
    deleteTmpDir();
    return process.exitValue();
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }

  public String output() {
    return String.join("\n", lines);
  }

  /** The last lines, for failure messages. */
  public String tail(int n) {
    List<String> all = lines();
    return String.join("\n", all.subList(Math.max(0, all.size() - n), all.size()));
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(60, TimeUnit.SECONDS);
    }
    deleteTmpDir();
  }

  private void deleteTmpDir() {
    if (process.isAlive()) {
      return;
    }
    try (Stream<Path> paths = Files.walk(tmpDir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (NoSuchFileException e) {
      // removed already
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
