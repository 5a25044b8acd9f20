package dovetail.migrator.copy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A {@link BackupChild} process whose output lines are collected as they come. */
final class ChildJvm {
  final Process process;
  final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private ChildJvm(Process process) {
    this.process = process;
    this.reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the process was killed
      }
    }, "child-output");
    reader.setDaemon(true);
    reader.start();
  }

  static ChildJvm start(String heap, Path conf, String user, String... args) {
    // The collector of the jar's backup JVM (proxy: BatchJvm.COLLECTOR), so that the heap bounds tested here hold there.
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseParallelGC", heap, "-cp", System.getProperty("java.class.path"), BackupChild.class.getName(),
        conf.toString(), user));
    cmd.addAll(List.of(args));
    try {
      return new ChildJvm(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long progressLines() {
    return lines.stream().filter(l -> l.startsWith("progress ")).count();
  }

  /** kill -9. */
  void kill() {
    process.destroyForcibly();
    waitFor(60);
  }

  int waitFor(int seconds) {
    try {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("the child did not finish within " + seconds + " s:\n" + output());
      }
      reader.join(5000);
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String output() {
    return String.join("\n", lines);
  }

  String resultLine() {
    return lines.stream().filter(l -> l.startsWith("result ")).reduce((a, b) -> b).orElse("(no result line)\n" + output());
  }
}
