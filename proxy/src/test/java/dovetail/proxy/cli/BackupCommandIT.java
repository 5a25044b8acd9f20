package dovetail.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command against a legacy address where nothing listens: exit 2 with a reason, not a stack trace. */
class BackupCommandIT {
  @TempDir Path dir;

  /** A configuration whose legacy server is a loopback port where nothing listens. */
  private Path unreachable() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      port = s.getLocalPort();
    }
    Path conf = dir.resolve("dovetail.conf");
    Files.writeString(conf, "imapc_host = 127.0.0.1\nimapc_port = " + port + "\nimapc_password = x\n"
        + "imapc_connection_retry_count = 1\nimapc_connection_retry_interval = 10 ms\n"
        + "mail_location = maildir:" + dir + "/%n/Maildir\n");
    return conf;
  }

  @Test
  void anUnreachableLegacyServerExitsTwoWithTheReason() throws IOException {
    Path conf = unreachable();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] args = {"backup", "-c", conf.toString(), "-u", "alice"};
    CommandLine cli = DovetailCommand.newCommandLine(args);
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    assertEquals(2, cli.execute(args));
    String last = err.toString().strip().lines().reduce((a, b) -> b).orElse("");
    assertTrue(last.startsWith("dovetail backup: alice is not completely migrated; run backup again."), err.toString());
    assertTrue(last.contains("unavailable"), last);
    assertTrue(out.toString().contains("reconnecting in 10 ms (attempt 1)"), out.toString());
  }

  /** "-u Alice" is the user alice who logs in (James and Dovecot's %Lu lower-case every login): one store, not two. */
  @Test
  void theUserNameIsTakenInLowerCase() throws IOException {
    Path conf = unreachable();
    StringWriter err = new StringWriter();
    String[] args = {"backup", "-c", conf.toString(), "-u", "Alice"};
    CommandLine cli = DovetailCommand.newCommandLine(args);
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(err));
    assertEquals(2, cli.execute(args));
    assertTrue(err.toString().contains("dovetail backup: alice is not completely migrated"), err.toString());
    assertFalse(Files.exists(dir.resolve("Alice")), "a store for Alice");
  }

  /**
   * Start-up (issue #4): `java -jar dovetail.jar backup`, as the migration benchmark runs it, does not build what only
   * other commands use. Each of these once cost 100 to 400 classes before the first legacy byte.
   */
  @Test
  void aBackupLoadsNeitherJsonNorAnXmlParserNorTheServer() throws Exception {
    Path conf = unreachable();
    Path classes = dir.resolve("classes.log");
    Path output = dir.resolve("output");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xlog:class+load:file=" + classes, "-cp", System.getProperty("java.class.path"),
        DovetailCommand.class.getName(), "backup", "-c", conf.toString(), "-u", "alice")
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "backup ended");
    String printed = Files.readString(output);
    assertEquals(2, p.exitValue(), printed);
    assertTrue(printed.contains("is not completely migrated"), printed);
    List<String> loaded = Files.readAllLines(classes);
    assertTrue(loaded.stream().anyMatch(l -> l.contains(" dovetail.migrator.copy.Backup ")), "the backup ran");
    for (String unwanted : List.of("com.fasterxml.jackson.", "ch.qos.logback.classic.joran.", "javax.xml.parsers.",
        "dovetail.proxy.server.DovetailServer", "dovetail.proxy.admin.", "dovetail.proxy.imap.", "org.apache.james.",
        "io.netty.")) {
      assertEquals(List.of(), loaded.stream().filter(l -> l.contains(" " + unwanted)).limit(3).toList(), unwanted);
    }
  }
}
