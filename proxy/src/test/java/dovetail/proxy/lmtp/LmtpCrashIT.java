package dovetail.proxy.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.ServeChild;
import dovetail.store.MailLocation;
import dovetail.store.MailStore;
import dovetail.store.StoreOptions;
import dovetail.store.maildir.MaildirStore;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dovetail serve} in a child JVM, killed with SIGKILL right after it acknowledged a delivery. */
class LmtpCrashIT {
  @TempDir Path dir;

  /**
   * A legacy server that cannot be reached: alice (passwd-file) is known, but whether she has a legacy account
   * cannot be told, so her INBOX is not ready and LMTP spools.
   */
  private Path config() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Files.writeString(dir.resolve("passwd"), "alice:{PLAIN}secret\n");
    Path conf = dir.resolve("dovetail.conf");
    Files.writeString(conf, "imap_listen = 127.0.0.1:0\npop3_listen =\nlmtp_listen = 127.0.0.1:0\n"
        + "passdb = passwd-file:" + dir.resolve("passwd") + "\n"
        + "imapc_host = 127.0.0.1\nimapc_port = " + closed + "\nimapc_master_user = master\nimapc_password = pw\n"
        + "sweeper = no\n"
        + "mail_location = maildir:" + dir.resolve("mail") + "/%n/Maildir\n"
        + "admin_socket = " + dir.resolve("admin.sock") + "\n");
    return conf;
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
    try (ServeChild child = ServeChild.start(conf)) {
      try (LmtpClient c = new LmtpClient(child.awaitLmtpPort(60))) {
        c.command("LHLO mta");
        List<String> r = c.deliver("s@example.org", List.of("alice"), "Subject: before the crash\r\n\r\nkeep me\r\n");
        assertTrue(r.get(r.size() - 1).startsWith("250"), r.toString());
        child.kill(); // SIGKILL, right after the 250
      }
    }
    try (ServeChild again = ServeChild.start(conf)) {
      again.awaitLmtpPort(60);
      List<Path> files = spooled();
      MailStore store = MaildirStore.forUser(MailLocation.parse("maildir:" + dir.resolve("mail") + "/%n/Maildir"),
          "alice", StoreOptions.DEFAULT);
      int stored = store.exists(MailStore.INBOX) ? store.open(MailStore.INBOX).messages().size() : 0;
      assertEquals(1, files.size() + stored, "in the spool or in the store, once");
      String text = Files.readString(files.get(0), StandardCharsets.ISO_8859_1);
      assertTrue(text.endsWith("Subject: before the crash\n\nkeep me\n"), text);
    }
  }
}
