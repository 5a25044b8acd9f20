package dovetail.proxy.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchJvmTest {
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private static final String PID = "-D" + BatchJvm.LAUNCHER_PID + "=" + ProcessHandle.current().pid();

  /** The jar as the second JVM names it: absolute, so that its class archive serves every working directory. */
  private static String absolute(String jar) {
    return Path.of(jar).toAbsolutePath().normalize().toString();
  }

  private static List<String> expected(List<String> operatorOptions, List<String> launch, List<String> appArgs) {
    return expected(List.of(), operatorOptions, launch, appArgs);
  }

  private static List<String> expected(List<String> archive, List<String> operatorOptions, List<String> launch,
      List<String> appArgs) {
    List<String> c = new ArrayList<>(List.of(JAVA));
    c.addAll(BatchJvm.OPTIONS);
    if (!BatchJvm.choosesCollector(operatorOptions)) {
      c.add(BatchJvm.COLLECTOR);
    }
    c.addAll(archive);
    c.addAll(operatorOptions); // after ours: HotSpot takes the last of two equal flags, so the operator's wins
    c.add(PID);
    c.addAll(launch);
    c.addAll(appArgs);
    return c;
  }

  @Test
  void aJarLaunchIsRepeatedWithOurOptionsBeforeTheOperatorsOwn() {
    List<String> app = List.of("backup", "-c", "d.conf", "-u", "alice");
    List<String> argv = new ArrayList<>(List.of("-Xmx256m", "-XX:TieredStopAtLevel=4", "-jar", "proxy/target/dovetail.jar"));
    argv.addAll(app);
    assertEquals(expected(List.of("-Xmx256m", "-XX:TieredStopAtLevel=4"), List.of("-jar", absolute("proxy/target/dovetail.jar")), app),
        BatchJvm.command(argv, app, List.of()).orElseThrow());
  }

  @Test
  void ourCollectorIsLeftOutWhenTheOperatorChoseOne() {
    List<String> app = List.of("backup", "-u", "alice");
    List<String> argv = new ArrayList<>(List.of("-XX:+UseG1GC", "-jar", "d.jar"));
    argv.addAll(app);
    List<String> command = BatchJvm.command(argv, app, List.of()).orElseThrow();
    assertFalse(command.contains(BatchJvm.COLLECTOR), command.toString()); // two collectors: the JVM would not start
    assertTrue(command.contains("-XX:+UseG1GC"), command.toString());
    List<String> plain = BatchJvm.command(List.of("-Xmx1g", "-jar", "d.jar", "backup", "-u", "alice"), app, List.of())
        .orElseThrow();
    assertEquals(1, plain.indexOf(BatchJvm.COLLECTOR) - plain.indexOf(BatchJvm.OPTIONS.get(0)), plain.toString());
    assertTrue(BatchJvm.choosesCollector(List.of("-Xmx1g", "-XX:-UseParallelGC")));
    assertFalse(BatchJvm.choosesCollector(List.of("-Xmx1g", "-XX:+UseCompressedOops", "-XX:MaxGCPauseMillis=50")));
  }

  @Test
  void theClassArchiveOptionsComeWithOursAndOnlyAJarLaunchHasAJar() {
    List<String> app = List.of("backup", "-u", "alice");
    List<String> argv = new ArrayList<>(List.of("-Xmx1g", "-jar", "d.jar"));
    argv.addAll(app);
    List<String> archive = List.of("-XX:SharedArchiveFile=/c/a.jsa", ClassArchive.QUIET);
    assertEquals(expected(archive, List.of("-Xmx1g"), List.of("-jar", absolute("d.jar")), app),
        BatchJvm.command(argv, app, archive).orElseThrow());
    assertEquals(Path.of("d.jar"), BatchJvm.jar(argv, app).orElseThrow());
    assertTrue(BatchJvm.jar(List.of("-cp", "d.jar", Launcher.class.getName(), "backup", "-u", "alice"), app).isEmpty());
  }

  @Test
  void aMainClassLaunchKeepsItsClassPath() {
    List<String> app = List.of("verify", "-c", "d.conf", "-u", "bob");
    List<String> argv = new ArrayList<>(List.of("-cp", "a.jar:b.jar", Launcher.class.getName()));
    argv.addAll(app);
    assertEquals(expected(List.of("-cp", "a.jar:b.jar"), List.of(Launcher.class.getName()), app),
        BatchJvm.command(argv, app, List.of()).orElseThrow());
  }

  @Test
  void aCommandLineOfAnotherShapeRunsHere() {
    List<String> app = List.of("backup", "-u", "alice");
    assertTrue(BatchJvm.command(List.of("@args-file"), app, List.of()).isEmpty(), "an argument file hides the application arguments");
    assertTrue(BatchJvm.command(List.of("-cp", "x.jar", "other.Main", "backup", "-u", "alice"), app, List.of()).isEmpty(),
        "another main class");
    assertTrue(BatchJvm.command(List.of("-jar", "x.jar", "backup", "-u", "carol"), app, List.of()).isEmpty(),
        "the tail is not the application's arguments (e.g. a truncated command line)");
  }

  @Test
  void onlyTheShortOfflineCommandsGetASecondJvm() {
    assertTrue(BatchJvm.forCommand(new String[] {"serve", "-c", "x"}).isEmpty());
    assertTrue(BatchJvm.forCommand(new String[] {"demo"}).isEmpty());
    assertTrue(BatchJvm.forCommand(new String[0]).isEmpty());
    // This test JVM was not started through the Launcher: backup would run here too.
    assertTrue(BatchJvm.forCommand(new String[] {"backup", "-u", "alice"}).isEmpty());
  }
}
