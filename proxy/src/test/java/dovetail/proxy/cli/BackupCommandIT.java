package dovetail.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command against a legacy address where nothing listens, or a server that cannot be migrated from: exit 2 with a
 * reason, not a stack trace.
 */
class BackupCommandIT {
  @TempDir Path dir;

  /** A configuration whose legacy server is a loopback port where nothing listens. */
  private Path unreachable() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      port = s.getLocalPort();
    }
    return legacyAt(port);
  }

  private Path legacyAt(int port) throws IOException {
    Path conf = dir.resolve("dovetail.conf");
    Files.writeString(conf, "imapc_host = 127.0.0.1\nimapc_port = " + port + "\nimapc_password = x\n"
        + "imapc_connection_retry_count = 1\nimapc_connection_retry_interval = 10 ms\nimapc_cmd_timeout = 1 secs\n"
        + "mail_location = maildir:" + dir + "/%n/Maildir\n");
    return conf;
  }

  /** The backup of alice: its exit code and the last line it printed on stderr. */
  private static String[] backup(Path conf) {
    CliRun backup = CliRun.of("backup", "-c", conf.toString(), "-u", "alice");
    return new String[] {Integer.toString(backup.exit()), backup.err().strip().lines().reduce((a, b) -> b).orElse("")};
  }

  /** Walk-through 13, B8: the connection is made (the listen backlog takes it) and no greeting comes. */
  @Test
  void aLegacyServerThatNeverGreetsIsNamedAsSuch() throws IOException {
    try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      String[] result = backup(legacyAt(silent.getLocalPort()));
      assertEquals("2", result[0], result[1]);
      assertTrue(result[1].contains("connected, but the server sent no greeting within 1 s"), result[1]);
    }
  }

  /** Walk-through 13, B9: refused as Dovecot's imapc refuses it, with the reason last. */
  @Test
  void aLegacyServerThatIsNotImap4rev1IsRefusedWithTheReason() throws Exception {
    try (NotImap4rev1 legacy = new NotImap4rev1()) {
      String[] result = backup(legacyAt(legacy.port()));
      assertEquals("2", result[0], result[1]);
      assertTrue(result[1].contains("CAPABILITY list is missing IMAP4rev1"), result[1]);
      assertEquals(List.of(), legacy.logins(), "the password is not sent to it");
    }
  }

  /**
   * A legacy server that greets with a CAPABILITY without IMAP4rev1 and otherwise plays along: LOGIN and CAPABILITY
   * are answered OK, anything else NO, so that only the missing IMAP4rev1 can be the reason a backup stops.
   */
  private static final class NotImap4rev1 implements AutoCloseable {
    private final ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    private final List<String> logins = new CopyOnWriteArrayList<>();

    NotImap4rev1() throws IOException {
      Thread serving = new Thread(this::serve, "not-imap4rev1");
      serving.setDaemon(true);
      serving.start();
    }

    int port() {
      return listener.getLocalPort();
    }

    List<String> logins() {
      return List.copyOf(logins);
    }

    private void serve() {
      while (!listener.isClosed()) {
        try (Socket s = listener.accept();
            BufferedReader in = new BufferedReader(
                new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1))) {
          OutputStream out = s.getOutputStream();
          String greeting = "* OK [CAPABILITY LITERAL+ AUTH=PLAIN ID] fake legacy ready\r\n";
          out.write(greeting.getBytes(StandardCharsets.US_ASCII));
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] words = line.split(" ", 3);
            String verb = words.length > 1 ? words[1].toUpperCase(Locale.ROOT) : "";
            if (verb.equals("LOGIN")) {
              logins.add(line);
            }
            String answer = switch (verb) {
              case "CAPABILITY" -> "* CAPABILITY LITERAL+ AUTH=PLAIN ID\r\n" + words[0] + " OK done\r\n";
              case "LOGIN" -> words[0] + " OK logged in\r\n";
              case "LOGOUT" -> "* BYE bye\r\n" + words[0] + " OK done\r\n";
              default -> words[0] + " NO not here\r\n";
            };
            out.write(answer.getBytes(StandardCharsets.US_ASCII));
            out.flush();
          }
        } catch (IOException e) {
          // the next connection, or closed
        }
      }
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }

  @Test
  void anUnreachableLegacyServerExitsTwoWithTheReason() throws IOException {
    Path conf = unreachable();
    CliRun backup = CliRun.of("backup", "-c", conf.toString(), "-u", "alice");
    assertEquals(2, backup.exit());
    String last = backup.err().strip().lines().reduce((a, b) -> b).orElse("");
    assertTrue(last.startsWith("dovetail backup: alice is not completely migrated; run backup again."), backup.err());
    assertTrue(last.contains("unavailable"), last);
    assertTrue(backup.out().contains("reconnecting in 10 ms (attempt 1)"), backup.out());
  }

  /** "-u Alice" is the user alice who logs in (James and Dovecot's %Lu lower-case every login): one store, not two. */
  @Test
  void theUserNameIsTakenInLowerCase() throws IOException {
    Path conf = unreachable();
    CliRun backup = CliRun.of("backup", "-c", conf.toString(), "-u", "Alice");
    assertEquals(2, backup.exit());
    assertTrue(backup.err().contains("dovetail backup: alice is not completely migrated"), backup.err());
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
