package dovetail.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.cli.CliRun;
import dovetail.proxy.cli.DovetailCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dovetail serve -c FILE}: where it listens, that it serves, and a clean stop on SIGTERM. */
class ServeCommandIT {
  private static final Pattern LISTENING = Pattern.compile("IMAP listening on .*:(\\d+)");

  @TempDir Path dir;

  private Path config(String passdb) throws Exception {
    Files.writeString(dir.resolve("passwd"), "alice:{PLAIN}secret\n");
    Path conf = dir.resolve("dovetail.conf");
    Files.writeString(conf, "imap_listen = 127.0.0.1:0\npop3_listen =\nlmtp_listen = 127.0.0.1:0\n"
        + "passdb = " + passdb + "\n"
        + "mail_location = maildir:" + dir.resolve("mail") + "/%n/Maildir\n"
        + "admin_socket = " + dir.resolve("admin.sock") + "\n");
    return conf;
  }

  @Test
  void servesUntilSigtermThenStopsCleanly() throws Exception {
    Path conf = config("passwd-file:" + dir.resolve("passwd"));
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), DovetailCommand.class.getName(),
        "serve", "-c", conf.toString()).redirectErrorStream(true).start();
    List<String> log = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      int port = -1;
      String line;
      while (port < 0 && (line = out.readLine()) != null) {
        log.add(line);
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          port = Integer.parseInt(m.group(1));
        }
      }
      assertTrue(port > 0, "logs where it listens:\n" + String.join("\n", log));
      // SIGTERM stops cleanly once serve says it runs (its shutdown hook is in place from then on).
      boolean running = false;
      while (!running && (line = out.readLine()) != null) {
        log.add(line);
        running = line.contains("Dovetail is running");
      }
      assertTrue(running, String.join("\n", log));
      try (Socket s = new Socket("127.0.0.1", port)) {
        String greeting = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        assertTrue(greeting.startsWith("* OK"), greeting);
        s.getOutputStream().write("a LOGIN alice secret\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      p.toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of its output)
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stopped after SIGTERM");
      while ((line = out.readLine()) != null) {
        log.add(line);
      }
    } finally {
      p.destroyForcibly();
    }
    String all = String.join("\n", log);
    assertEquals(143, p.exitValue(), all);
    assertTrue(all.contains("stopping") && all.contains("stopped"), all);
    assertTrue(log.stream().noneMatch(l -> l.contains("Exception")), all);
    assertTrue(log.stream().noneMatch(l -> l.contains("secret")), "no password in the log:\n" + all);
  }

  /**
   * Walk-through 17, F6: SIGHUP (logrotate's postrotate, a unit's ExecReload, both Dovecot habits) ended serve with 129,
   * which systemd counts as a clean stop: Restart=on-failure left every user without a server. Log lines carry the date.
   */
  @Test
  void aHangUpIsLoggedAndServeKeepsServing() throws Exception {
    Path conf = config("passwd-file:" + dir.resolve("passwd"));
    try (ServeChild serve = ServeChild.start(conf)) {
      int port = serve.awaitImapPort(60);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (serve.lines().stream().noneMatch(l -> l.contains("Dovetail is running")) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      serve.hangUp();
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (serve.lines().stream().noneMatch(l -> l.contains("SIGHUP ignored")) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(serve.lines().stream().anyMatch(l -> l.contains("SIGHUP ignored")), serve.output());
      assertTrue(serve.isAlive(), serve.output());
      try (Socket s = new Socket("127.0.0.1", port)) {
        String greeting = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        assertTrue(greeting.startsWith("* OK"), greeting);
      }
      assertTrue(serve.lines().stream().filter(l -> l.contains("SIGHUP ignored")).allMatch(
          l -> l.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN .*")), serve.output());
      assertEquals(143, serve.stop(), serve.output());
    }
  }

  /** A low open-files limit is told at start (walk-through 9, W9: clients beyond it hung without a word in the log). */
  @Test
  void aLowOpenFilesLimitIsToldAtStart() throws Exception {
    Process p = serveWithOpenFilesLimit(512, config("passwd-file:" + dir.resolve("passwd")));
    List<String> log = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null && !line.contains("Dovetail is running")) {
        log.add(line);
      }
    } finally {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    assertTrue(log.stream().anyMatch(l -> l.contains("WARN") && l.contains("the open files limit (ulimit -n) is 512")),
        String.join("\n", log));
  }

  /**
   * Beyond the open files limit a listener cannot accept: one WARN line says so (at most every 10 s), not a stack
   * trace per refused accept, and the clients that waited are served once others close.
   */
  @Test
  void connectionsBeyondTheOpenFilesLimitWaitAndAreLoggedInOneLine() throws Exception {
    Process p = serveWithOpenFilesLimit(256, config("passwd-file:" + dir.resolve("passwd")));
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          log.add(line);
        }
      } catch (IOException e) {
        // the process ended
      }
    });
    reader.start();
    List<Socket> clients = new ArrayList<>();
    try {
      int port = awaitPort(log);
      // One whole session first: its classes are loaded then (from target/classes, where each takes a descriptor).
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        s.setSoTimeout(20_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        in.readLine();
        s.getOutputStream().write("a LOGIN alice secret\r\nb SELECT INBOX\r\nc LOGOUT\r\n".getBytes(
            StandardCharsets.US_ASCII));
        while (in.readLine() != null) {
          // read to the end of the session
        }
      }
      // Beyond the limit (256 descriptors, about 100 of them the JVM's own): connections wait in the listen queue.
      // A connect that the full queue does not take ends the loop; enough are open by then.
      for (int i = 0; i < 300; i++) {
        Socket s = new Socket();
        try {
          s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
        } catch (IOException queueFull) {
          s.close();
          break;
        }
        clients.add(s);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!has(log, "IMAP: cannot accept new connections") && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertTrue(has(log, "IMAP: cannot accept new connections (Too many open files; ulimit -n is 256)"),
          String.join("\n", log));
      for (Socket s : clients) {
        s.close();
      }
      clients.clear();
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        s.setSoTimeout(20_000);
        String greeting = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
            .readLine();
        assertTrue(greeting != null && greeting.startsWith("* OK"), "served once others closed: " + greeting);
      }
    } finally {
      for (Socket s : clients) {
        s.close();
      }
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
      reader.join(10_000);
    }
    assertTrue(log.stream().noneMatch(l -> l.contains("reached at the tail of the pipeline")
        || l.startsWith("java.io.IOException: Too many open files")), String.join("\n", log));
  }

  /** {@code serve -c conf} in a JVM of its own under {@code ulimit -n limit}; its output and errors in one stream. */
  private static Process serveWithOpenFilesLimit(int limit, Path conf) throws IOException {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder("sh", "-c", "ulimit -n " + limit + " && exec \"$0\" -cp \"$1\" \"$2\" serve -c \"$3\"",
        java, System.getProperty("java.class.path"), DovetailCommand.class.getName(), conf.toString())
        .redirectErrorStream(true).start();
  }

  private static int awaitPort(List<String> log) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      synchronized (log) {
        for (String l : log) {
          Matcher m = LISTENING.matcher(l);
          if (m.find() && has(log, "Dovetail is running")) {
            return Integer.parseInt(m.group(1));
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("serve did not start:\n" + String.join("\n", log));
  }

  private static boolean has(List<String> log, String text) {
    synchronized (log) {
      return log.stream().anyMatch(l -> l.contains(text));
    }
  }

  /**
   * auth_failure_delay is Dovecot's setting: a refused login is answered after it (before, the setting was accepted
   * and ignored, and every refusal waited 2 s whatever it said).
   */
  @Test
  void aRefusedLoginIsAnsweredAfterAuthFailureDelay() throws Exception {
    Path conf = config("passwd-file:" + dir.resolve("passwd"));
    Files.writeString(conf, "auth_failure_delay = 3 secs\n", java.nio.file.StandardOpenOption.APPEND);
    try (DovetailServer server = DovetailServer.start(dovetail.conf.ConfigLoader.load(conf, List.of()));
        Socket s = new Socket("127.0.0.1", server.listeners().get(0).address().getPort())) {
      s.setSoTimeout(30_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      assertTrue(in.readLine().startsWith("* OK"));
      long start = System.nanoTime();
      s.getOutputStream().write("a LOGIN alice wrong\r\n".getBytes(StandardCharsets.US_ASCII));
      String answer = in.readLine();
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(answer.startsWith("a NO"), answer);
      assertTrue(millis >= 2_900, "answered after " + millis + " ms");
    }
  }

  /** A port in use is one line naming the listener's setting and address, and exit 69 (EX_UNAVAILABLE). */
  @Test
  void aListenerWhosePortIsInUseIsNamed() throws Exception {
    Files.writeString(dir.resolve("passwd"), "alice:{PLAIN}secret\n");
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      for (String key : List.of("imap_listen", "pop3_listen", "lmtp_listen")) {
        Path conf = dir.resolve(key + ".conf");
        Files.writeString(conf, "imap_listen = 127.0.0.1:0\npop3_listen = 127.0.0.1:0\nlmtp_listen = 127.0.0.1:0\n"
            + key + " = 127.0.0.1:" + port + "\n"
            + "passdb = passwd-file:" + dir.resolve("passwd") + "\n"
            + "mail_location = maildir:" + dir.resolve("mail") + "/%n/Maildir\n"
            + "admin_socket = " + dir.resolve("admin.sock") + "\n");
        CliRun serve = serve(conf);
        assertEquals(69, serve.exit(), serve.err());
        assertEquals(List.of("dovetail: cannot start: " + key + " 127.0.0.1:" + port + ": address already in use"),
            serve.err().lines().toList());
      }
    }
  }

  /**
   * An admin_socket path that cannot be used is one line naming the setting and why (walk-through 5, F9: it was
   * "cannot start: /path/of/the/file/in/the/way", after the listeners had come up), and exit 69.
   */
  @Test
  void anAdminSocketPathThatCannotBeUsedIsNamedWithWhy() throws Exception {
    Files.writeString(dir.resolve("passwd"), "alice:{PLAIN}secret\n");
    Path inTheWay = Files.writeString(dir.resolve("a-file"), "not a directory\n");
    Path socket = inTheWay.resolve("admin.sock");
    Path conf = dir.resolve("dovetail.conf");
    Files.writeString(conf, "imap_listen = 127.0.0.1:0\npop3_listen =\nlmtp_listen =\n"
        + "imapc_host = 127.0.0.1\nimapc_port = 9\nsweeper = no\n"
        + "passdb = passwd-file:" + dir.resolve("passwd") + "\n"
        + "mail_location = maildir:" + dir.resolve("mail") + "/%n/Maildir\n"
        + "admin_socket = " + socket + "\n");
    CliRun serve = serve(conf);
    assertEquals(69, serve.exit(), serve.err());
    assertEquals(List.of("dovetail: cannot start: admin_socket " + socket + ": not a directory (" + inTheWay + ")"),
        serve.err().lines().toList());
  }

  @Test
  void legacyPassdbWithoutALegacyServerIsRefusedWithOneLine() throws Exception {
    Path conf = config("legacy");
    CliRun serve = serve(conf);
    assertEquals(78, serve.exit());
    List<String> lines = serve.err().lines().toList();
    assertEquals(1, lines.size(), serve.err());
    assertTrue(lines.get(0).startsWith("dovetail: passdb = legacy needs imapc_host"), lines.get(0));
  }

  /** {@code serve -c conf} in this JVM, for a start that fails. */
  private static CliRun serve(Path conf) {
    return CliRun.of("serve", "-c", conf.toString());
  }
}
