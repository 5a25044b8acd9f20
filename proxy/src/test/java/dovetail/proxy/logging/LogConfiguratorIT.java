package dovetail.proxy.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Logging as a fresh JVM starts it, in a child process on the test classpath: Dovetail's lines without reading any
 * XML, and any configuration an operator or a test names instead, whole.
 */
class LogConfiguratorIT {
  @TempDir Path dir;

  /** The child: three lines, one of them from James at INFO (which Dovetail's configuration keeps quiet). */
  public static final class Child {
    public static void main(String[] args) {
      MDC.put("user", "alice");
      MDC.put("session", "S1");
      Logger own = LoggerFactory.getLogger(LogConfiguratorIT.class);
      own.info("hello");
      LoggerFactory.getLogger("org.apache.james.imap.Processor").info("james at info");
      LoggerFactory.getLogger("io.netty.channel.Pipeline").warn("netty at warn");
    }
  }

  @Test
  void withoutAnotherConfigurationTheLinesAreDovetailsAndNoXmlIsRead() throws Exception {
    Path classes = dir.resolve("classes.log");
    List<String> lines = run(List.of("-Xlog:class+load:file=" + classes), classpath());
    assertEquals(2, lines.size(), String.join("\n", lines));
    String time = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} ";
    assertTrue(lines.get(0).matches(time + "INFO  \\[alice:S1] d\\.p\\.l\\.LogConfiguratorIT - hello"), lines.get(0));
    assertTrue(lines.get(1).matches(time + "WARN  \\[alice:S1] i\\.n\\.channel\\.Pipeline - netty at warn"), lines.get(1));
    String loaded = Files.readString(classes);
    assertTrue(loaded.contains(" " + LogConfigurator.class.getName() + " "), "configured by LogConfigurator");
    for (String xml : List.of("ch.qos.logback.classic.joran.JoranConfigurator", "javax.xml.parsers.SAXParserFactory")) {
      assertTrue(!loaded.contains(" " + xml + " "), xml + " is loaded");
    }
  }

  @Test
  void anOperatorsConfigurationFileWins() throws Exception {
    Path xml = writeConfiguration(dir.resolve("operator.xml"), "operator");
    assertEquals(List.of("operator INFO hello", "operator INFO james at info", "operator WARN netty at warn"),
        run(List.of("-Dlogback.configurationFile=" + xml), classpath()));
  }

  @Test
  void aLogbackTestXmlOnTheClasspathWins() throws Exception {
    Path resources = Files.createDirectories(dir.resolve("resources"));
    writeConfiguration(resources.resolve("logback-test.xml"), "test-file");
    assertEquals(List.of("test-file INFO hello", "test-file INFO james at info", "test-file WARN netty at warn"),
        run(List.of(), resources + File.pathSeparator + classpath()));
  }

  private static Path writeConfiguration(Path file, String tag) throws IOException {
    return Files.writeString(file, """
        <configuration>
          <appender name="E" class="ch.qos.logback.core.ConsoleAppender">
            <target>System.err</target>
            <encoder><pattern>%s %%level %%msg%%n</pattern></encoder>
          </appender>
          <root level="DEBUG"><appender-ref ref="E"/></root>
        </configuration>
        """.formatted(tag));
  }

  private static String classpath() {
    return System.getProperty("java.class.path");
  }

  /** The child's stderr lines (its stdout must stay empty: backup's progress goes there). */
  private List<String> run(List<String> jvmOptions, String classpath) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classpath, Child.class.getName()));
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child ended");
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), stderr);
    assertEquals("", Files.readString(out), "stdout");
    return stderr.lines().toList();
  }
}
