package dovetail.proxy.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.cli.DovetailCommand;
import dovetail.store.MailLocation;
import dovetail.store.MailStore;
import dovetail.store.StoreOptions;
import dovetail.store.maildir.MaildirStore;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dovetail serve} in a child JVM: kill -9 right after a 250, and a 100 MB delivery (-Xmx256m). Known limit,
 * not yet fixed: memory is NOT bounded by the message size. At -Xmx96m a 100 MB delivery, and at -Xmx256m a 300 MB
 * one, is dropped mid-DATA (the client sees the connection close, nothing is acknowledged or stored). The DATA
 * lines go to disk as they are handled, but James's NettyServer reads the socket without backpressure, so lines
 * queue in memory when handling is slower than the network.
 */
class LmtpCrashIT {
  private static final Pattern LISTENING = Pattern.compile("LMTP listening on .*:(\\d+)");

  @TempDir Path dir;

  /** A legacy server that cannot be reached: alice (passwd-file) is known, her INBOX is not migrated, so LMTP spools. */
  private Path config() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Files.writeString(dir.resolve("passwd"), "alice:{PLAIN}secret\n");
    Path conf = dir.resolve("dovetail.conf");
    Files.writeString(conf, "imap_listen = 127.0.0.1:0\nlmtp_listen = 127.0.0.1:0\n"
        + "passdb = passwd-file:" + dir.resolve("passwd") + "\n"
        + "imapc_host = 127.0.0.1\nimapc_port = " + closed + "\nimapc_master_user = master\nimapc_password = pw\n"
        + "sweeper = no\n"
        + "mail_location = maildir:" + dir.resolve("mail") + "/%n/Maildir\n"
        + "admin_socket = " + dir.resolve("admin.sock") + "\n");
    return conf;
  }

  private record Child(Process process, int lmtpPort, List<String> log) {}

  private static Child serve(Path conf, String... jvmArgs) throws Exception {
    String javaBin = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(javaBin));
    cmd.addAll(List.of(jvmArgs));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), DovetailCommand.class.getName(), "serve", "-c",
        conf.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    List<String> log = new ArrayList<>();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    int port = -1;
    String line;
    while (port < 0 && (line = out.readLine()) != null) {
      log.add(line);
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        port = Integer.parseInt(m.group(1));
      }
    }
    assertTrue(port > 0, "logs where LMTP listens:\n" + String.join("\n", log));
    Thread drainer = new Thread(() -> {
      try {
        for (String l; (l = out.readLine()) != null; ) {
          synchronized (log) {
            log.add(l);
          }
        }
      } catch (Exception ignored) {
        // the child is gone
      }
    });
    drainer.setDaemon(true);
    drainer.start();
    return new Child(p, port, log);
  }

  private List<Path> spooled() throws Exception {
    Path spool = dir.resolve("mail/alice/Maildir").resolve(UserSpool.DIR);
    if (!Files.isDirectory(spool)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(spool)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".eml")).sorted().toList();
    }
  }

  @Test
  void killNineRightAfterTheReplyLosesNothing() throws Exception {
    Path conf = config();
    Child child = serve(conf);
    try (LmtpClient c = new LmtpClient(child.lmtpPort())) {
      c.command("LHLO mta");
      List<String> r = c.deliver("s@example.org", List.of("alice"), "Subject: before the crash\r\n\r\nkeep me\r\n");
      assertTrue(r.get(r.size() - 1).startsWith("250"), r.toString());
      child.process().destroyForcibly(); // SIGKILL, right after the 250
    }
    assertTrue(child.process().waitFor(30, TimeUnit.SECONDS));
    Child again = serve(conf);
    try {
      List<Path> files = spooled();
      MailStore store = MaildirStore.forUser(MailLocation.parse("maildir:" + dir.resolve("mail") + "/%n/Maildir"),
          "alice", StoreOptions.DEFAULT);
      int stored = store.exists(MailStore.INBOX) ? store.open(MailStore.INBOX).messages().size() : 0;
      assertEquals(1, files.size() + stored, "in the spool or in the store, once");
      String text = Files.readString(files.get(0), StandardCharsets.ISO_8859_1);
      assertTrue(text.endsWith("Subject: before the crash\n\nkeep me\n"), text);
    } finally {
      again.process().destroyForcibly();
      again.process().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aHundredMegabyteDeliveryInAChildJvmWith256Megabytes() throws Exception {
    Child child = serve(config(), "-Xmx256m");
    try (LmtpClient c = new LmtpClient(child.lmtpPort())) {
      c.command("LHLO mta");
      c.command("MAIL FROM:<a@b>");
      assertTrue(c.command("RCPT TO:<alice>").startsWith("250"));
      assertTrue(c.command("DATA").startsWith("354"));
      c.send("Subject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] line = ("y".repeat(998) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      byte[] chunk = new byte[line.length * 1000];
      for (int i = 0; i < 1000; i++) {
        System.arraycopy(line, 0, chunk, i * line.length, line.length);
      }
      for (int i = 0; i < 100; i++) {
        c.send(chunk);
      }
      c.send(".\r\n".getBytes(StandardCharsets.US_ASCII));
      assertTrue(c.reply().startsWith("250"));
      assertTrue(child.process().isAlive());
    } catch (java.io.IOException e) {
      Thread.sleep(1000);
      synchronized (child.log()) {
        throw new AssertionError("the child dropped the session:\n" + String.join("\n", child.log()), e);
      }
    } finally {
      child.process().destroy();
      child.process().waitFor(30, TimeUnit.SECONDS);
    }
    Path big = spooled().get(0);
    // 100,000 lines of 998 bytes plus LF each, after the added headers and "Subject: big\n\n".
    assertTrue(Files.size(big) > 99_900_000L, Long.toString(Files.size(big)));
    try (InputStream in = Files.newInputStream(big)) {
      String head = new String(in.readNBytes(1024), StandardCharsets.ISO_8859_1);
      assertTrue(head.contains("Subject: big\n\nyyyy"), head);
    }
  }
}
