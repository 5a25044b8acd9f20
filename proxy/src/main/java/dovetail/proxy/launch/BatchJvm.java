package dovetail.proxy.launch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A JVM of its own for a short offline command ({@code backup}, {@code verify}), started with
 * {@code -XX:TieredStopAtLevel=1} (and {@link #COLLECTOR}): such a run lasts seconds to minutes and is bound by
 * sockets and file writes, so C2's compilations (1.3-1.9 s of CPU in a 20,000-message backup, on a 2-core machine competing
 * with the copy and the legacy server) never pay for themselves; C1's code is enough (bench/README.md).
 * The flags cannot travel in the jar's manifest, and the contract is {@code java -jar dovetail.jar backup},
 * hence the relaunch: this JVM starts the second one with its own JVM options plus ours (before them, so
 * that an operator's own flag wins), passes the terminal through, returns its exit code, forwards a
 * SIGTERM, and the second JVM stops at once when this one is killed. Started from a jar, it also maps the
 * jar's {@link ClassArchive}. {@code -Ddovetail.batchJvm=false} keeps everything in one JVM.
 */
final class BatchJvm {
  static final Set<String> COMMANDS = Set.of("backup", "verify");
  static final List<String> OPTIONS = List.of("-XX:TieredStopAtLevel=1");
  /**
   * The throughput collector, unless the operator chose a collector (two choices stop the JVM): its barriers and
   * collections cost less than G1's in a run whose live data is a few buffers (2-8 % less time at 20,000 and
   * 100,000 messages, bench/README.md).
   */
  static final String COLLECTOR = "-XX:+UseParallelGC";
  /** Set to "false" by an operator: no second JVM. */
  static final String SWITCH = "dovetail.batchJvm";
  /** Set in the second JVM: the pid of the JVM that launched it. */
  static final String LAUNCHER_PID = "dovetail.batchJvm.launcher";
  private static final long WATCH_MILLIS = 100;

  private final List<String> command;
  private final Optional<ClassArchive> archive;

  private BatchJvm(List<String> command, Optional<ClassArchive> archive) {
    this.command = command;
    this.archive = archive;
  }

  /** The relaunch for these arguments, or empty when this command runs here. */
  static Optional<BatchJvm> forCommand(String[] args) {
    if (args.length == 0 || !COMMANDS.contains(args[0]) || "false".equals(System.getProperty(SWITCH))) {
      return Optional.empty();
    }
    // No lambdas on this path: each first use of one links a call site, and this JVM lives only to start another.
    Optional<String[]> arguments = ProcessHandle.current().info().arguments();
    List<String> argv = arguments.isPresent() ? Arrays.asList(arguments.get()) : List.of();
    Optional<Path> jar = jar(argv, List.of(args));
    Optional<ClassArchive> archive = jar.isPresent() ? ClassArchive.forJar(jar.get()) : Optional.empty();
    Optional<List<String>> command = command(argv, List.of(args), archive.isPresent() ? archive.get().options()
        : List.of());
    return command.isPresent() ? Optional.of(new BatchJvm(command.get(), archive)) : Optional.empty();
  }

  /**
   * The second JVM's command line. {@code argv} is this JVM's (after the executable): JVM options,
   * {@code -jar JAR} or the main class, then {@code appArgs}. Empty when it is not of that shape (an
   * argument file, another main class): then the command runs here.
   */
  static Optional<List<String>> command(List<String> argv, List<String> appArgs, List<String> archiveOptions) {
    int launch = launchEnd(argv, appArgs);
    if (launch < 0) {
      return Optional.empty();
    }
    int jvmOptions = viaJar(argv, launch) ? launch - 2 : launch - 1;
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(OPTIONS);
    List<String> operatorOptions = argv.subList(0, jvmOptions);
    if (!choosesCollector(operatorOptions) && !choosesCollector(environmentOptions())) {
      command.add(COLLECTOR);
    }
    command.addAll(archiveOptions);
    command.addAll(operatorOptions);
    command.add("-D" + LAUNCHER_PID + "=" + ProcessHandle.current().pid());
    command.addAll(argv.subList(jvmOptions, argv.size()));
    if (viaJar(argv, launch)) {
      // The archive records the jar as the command line names it; a relative name made it useless to every run
      // from another working directory (the JVM drops an archive whose jar it cannot find: 0.15 s more per run).
      int jar = command.size() - appArgs.size() - 1;
      command.set(jar, Path.of(command.get(jar)).toAbsolutePath().normalize().toString());
    }
    return Optional.of(List.copyOf(command));
  }

  /** Whether the options select or deselect a garbage collector ({@code -XX:+UseG1GC}, {@code -XX:-UseParallelGC}). */
  static boolean choosesCollector(List<String> jvmOptions) {
    for (String option : jvmOptions) {
      if ((option.startsWith("-XX:+Use") || option.startsWith("-XX:-Use")) && option.endsWith("GC")) {
        return true;
      }
    }
    return false;
  }

  /** JVM options that the second JVM takes from the environment it inherits. */
  private static List<String> environmentOptions() {
    List<String> options = new ArrayList<>();
    for (String variable : new String[] {"JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS"}) {
      String value = System.getenv(variable);
      if (value != null && !value.isBlank()) {
        options.addAll(Arrays.asList(value.trim().split("\\s+")));
      }
    }
    return options;
  }

  /** The jar of a {@code -jar JAR} launch. */
  static Optional<Path> jar(List<String> argv, List<String> appArgs) {
    int launch = launchEnd(argv, appArgs);
    return launch >= 0 && viaJar(argv, launch) ? Optional.of(Path.of(argv.get(launch - 1))) : Optional.empty();
  }

  /** Where the application's arguments start in {@code argv}, or -1 when argv is not of a known shape. */
  private static int launchEnd(List<String> argv, List<String> appArgs) {
    int launch = argv.size() - appArgs.size();
    if (launch < 1 || !argv.subList(launch, argv.size()).equals(appArgs)) {
      return -1;
    }
    boolean viaClass = argv.get(launch - 1).equals(Launcher.class.getName());
    return viaJar(argv, launch) || viaClass ? launch : -1;
  }

  /** Whether {@code -jar JAR} comes just before the application's arguments, which start at {@code launch}. */
  private static boolean viaJar(List<String> argv, int launch) {
    return launch >= 2 && argv.get(launch - 2).equals("-jar");
  }

  /** Runs the second JVM on this terminal; returns its exit code. */
  int run() {
    StopChild stop = new StopChild();
    Runtime.getRuntime().addShutdownHook(stop); // before the start: a SIGTERM may come at any moment
    Process child;
    try {
      child = stop.start(new ProcessBuilder(command).inheritIO());
    } catch (IOException e) {
      System.err.println("dovetail: cannot start " + command.get(0) + ": " + e.getMessage());
      return 1;
    }
    if (child == null) {
      return 143; // stopped before the second JVM started; the JVM is exiting on the signal anyway
    }
    int exit = waitFor(child);
    return archive.isPresent() ? archive.get().settle(exit) : exit;
  }

  /**
   * SIGTERM/SIGINT here: the second JVM gets a SIGTERM and is waited for, so it stops as it would alone; or, when
   * the signal comes first, it is never started.
   */
  private static final class StopChild extends Thread {
    private Process child;
    private boolean stopping;

    StopChild() {
      super("batch-jvm-stop");
    }

    synchronized Process start(ProcessBuilder second) throws IOException {
      if (stopping) {
        return null;
      }
      child = second.start();
      return child;
    }

    @Override
    public void run() {
      Process started;
      synchronized (this) {
        stopping = true;
        started = child;
      }
      if (started != null) {
        started.destroy();
        waitFor(started);
      }
    }
  }

  static boolean isBatchJvm() {
    return System.getProperty(LAUNCHER_PID) != null;
  }

  /**
   * In the second JVM: when the launcher is gone without stopping us (kill -9), stop at once, as if the
   * kill had reached this JVM too; a crash must not leave a migration running in the background.
   */
  static void stopWithLauncher() {
    Optional<ProcessHandle> launcher;
    try {
      launcher = ProcessHandle.of(Long.parseLong(System.getProperty(LAUNCHER_PID)));
    } catch (NumberFormatException e) {
      return;
    }
    Thread watch = new Thread(() -> {
      while (launcher.map(ProcessHandle::isAlive).orElse(false)) {
        try {
          Thread.sleep(WATCH_MILLIS);
        } catch (InterruptedException e) {
          return;
        }
      }
      System.err.println("dovetail: the launching process is gone; stopping now");
      Runtime.getRuntime().halt(137);
    }, "batch-jvm-watch");
    watch.setDaemon(true);
    watch.start();
  }

  private static int waitFor(Process child) {
    while (true) {
      try {
        return child.waitFor();
      } catch (InterruptedException e) {
        // keep waiting: leaving before the second JVM would orphan it
      }
    }
  }
}
