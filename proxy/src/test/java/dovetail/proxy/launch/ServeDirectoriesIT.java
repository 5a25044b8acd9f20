package dovetail.proxy.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} started as an operator starts it (the Launcher, its own JVM) and the directories it has to create
 * or use: under umask 000 the ones it creates are still its own (they were drwxrwxrwx), and a java.io.tmpdir it
 * cannot use is named with the reason (it was "cannot start: PATH").
 */
class ServeDirectoriesIT {
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  @TempDir Path dir;

  private Path config(String lmtpListen) throws Exception {
    Files.writeString(dir.resolve("passwd"), "alice:{PLAIN}secret\n");
    Path conf = dir.resolve("dovetail.conf");
    Files.writeString(conf, "imap_listen = 127.0.0.1:0\npop3_listen =\nlmtp_listen = " + lmtpListen + "\n"
        + "passdb = passwd-file:" + dir.resolve("passwd") + "\n"
        + "mail_location = maildir:" + dir.resolve("mail") + "/%n/Maildir\n");
    return conf;
  }

  /** {@code serve} with this java.io.tmpdir under umask 000, its output merged. */
  private Process serve(Path conf, Path tmpdir) throws Exception {
    return new ProcessBuilder("/bin/sh", "-c", "umask 000 && exec \"$@\"", "sh", JAVA, "-Djava.io.tmpdir=" + tmpdir,
        "-cp", System.getProperty("java.class.path"), Launcher.class.getName(), "serve", "-c", conf.toString())
        .redirectErrorStream(true).start();
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void underUmask000TheDirectoriesServeCreatesAreItsOwn() throws Exception {
    assumeTrue(Epoll.isAvailable(), "lmtp_listen = unix: needs Netty's native epoll transport: " + Epoll.unavailabilityCause());
    Path socket = dir.resolve("run/dovetail/lmtp"); // no admin socket without a legacy server: LMTP's socket here
    Path tmpdir = dir.resolve("missing/tmp");
    Process p = serve(config("unix:" + socket), tmpdir);
    List<String> log = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      boolean running = false;
      String line;
      while (!running && (line = out.readLine()) != null) {
        log.add(line);
        running = line.contains("Dovetail is running");
      }
      assertTrue(running, String.join("\n", log));
      String all = String.join("\n", log);
      assertTrue(Files.exists(socket), all);
      // lmtp_socket_mode 0660: the group may connect, so it may search the directories; nobody else may write there
      assertEquals("rwxr-x---", mode(dir.resolve("run")));
      assertEquals("rwxr-x---", mode(dir.resolve("run/dovetail")));
      assertEquals("rwx------", mode(dir.resolve("missing")), "java.io.tmpdir's parent");
      assertEquals("rwx------", mode(tmpdir), "java.io.tmpdir");
      try (var inside = Files.list(tmpdir)) {
        for (Path p2 : (Iterable<Path>) inside::iterator) {
          if (p2.getFileName().toString().startsWith("dovetail-lmtp-")) {
            assertEquals("rwx------", mode(p2), "LMTP's temporary directory");
          }
        }
      }
      p.toHandle().destroy(); // SIGTERM
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stopped after SIGTERM");
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void aJavaIoTmpdirThatCannotHoldLmtpsDirectoryIsNamedWithWhy() throws Exception {
    // Root may write anywhere, so the honest failure available to every user: a file where the directory should be.
    Path tmpdir = Files.writeString(dir.resolve("tmp-is-a-file"), "");
    Process p = serve(config("127.0.0.1:0"), tmpdir);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "serve did not stop");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(69, p.exitValue(), out);
    assertTrue(out.contains("dovetail: cannot start: lmtp_listen: cannot create its temporary directory under "
        + "java.io.tmpdir " + tmpdir + ": Not a directory (java -Djava.io.tmpdir=DIR ... puts it elsewhere)"), out);
  }
}
