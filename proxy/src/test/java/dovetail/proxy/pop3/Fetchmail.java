package dovetail.proxy.pop3;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's fetchmail as a "leave mail on the server" POP3 client: {@code keep} and {@code uidl}, its seen UIDLs in
 * an idfile that survives between runs (keyed by user and host name, not port, so a cut-over that keeps the host
 * name keeps them), and what it fetches appended to a BSMTP file, one MAIL FROM per message.
 */
final class Fetchmail {
  private final Path dir;

  Fetchmail(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
  }

  static void assumeInstalled() {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/fetchmail")),
        "fetchmail is not installed (apt-get install fetchmail); skipping the fetchmail test");
  }

  /** Polls 127.0.0.1:{@code port} once; returns how many messages it fetched. */
  int poll(int port, String user, String password) throws Exception {
    Path rc = dir.resolve("fetchmailrc");
    Files.writeString(rc, "set no syslog\n"
        + "poll 127.0.0.1 with proto POP3 port " + port + " and uidl\n"
        + "  user \"" + user + "\" there with password \"" + password + "\" is \"" + user + "\" here\n"
        + "  keep\n  sslproto ''\n");
    Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rw-------"));
    Path bsmtp = dir.resolve("fetched.bsmtp");
    long before = mails(bsmtp);
    // Its own lock file (a pid file; root's is /var/run/fetchmail.pid, anyone else's in $HOME): tests that run at once
    // in other test JVMs would refuse each other ("another foreground fetchmail is running").
    Process p = new ProcessBuilder("fetchmail", "-f", rc.toString(), "-i", dir.resolve("idfile").toString(),
        "--pidfile", dir.resolve("fetchmail.pid").toString(), "--bsmtp", bsmtp.toString(), "--nosyslog", "-v")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("fetchmail did not finish:\n" + out);
    }
    // 0: mail fetched; 1: no new mail. Anything else is a failure.
    if (p.exitValue() > 1) {
      throw new IOException("fetchmail exit " + p.exitValue() + ":\n" + out);
    }
    return (int) (mails(bsmtp) - before);
  }

  private static long mails(Path bsmtp) throws IOException {
    if (!Files.exists(bsmtp)) {
      return 0;
    }
    Matcher m = Pattern.compile("(?m)^MAIL FROM:").matcher(Files.readString(bsmtp, StandardCharsets.ISO_8859_1));
    long n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
