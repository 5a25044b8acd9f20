package dovetail.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command against a legacy address where nothing listens: exit 2 with a reason, not a stack trace. */
class BackupCommandIT {
  @TempDir Path dir;

  @Test
  void anUnreachableLegacyServerExitsTwoWithTheReason() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      port = s.getLocalPort();
    }
    Path conf = dir.resolve("dovetail.conf");
    Files.writeString(conf, "imapc_host = 127.0.0.1\nimapc_port = " + port + "\nimapc_password = x\n"
        + "imapc_connection_retry_count = 1\nimapc_connection_retry_interval = 10 ms\n"
        + "mail_location = maildir:" + dir + "/%n/Maildir\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = DovetailCommand.newCommandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    assertEquals(2, cli.execute("backup", "-c", conf.toString(), "-u", "alice"));
    String last = err.toString().strip().lines().reduce((a, b) -> b).orElse("");
    assertTrue(last.startsWith("dovetail backup: alice is not completely migrated; run backup again."), err.toString());
    assertTrue(last.contains("unavailable"), last);
    assertTrue(out.toString().contains("reconnecting in 10 ms (attempt 1)"), out.toString());
  }
}
