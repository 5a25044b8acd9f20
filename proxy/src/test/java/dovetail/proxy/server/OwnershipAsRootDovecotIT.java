package dovetail.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README, "Ownership", with the whole server running as root over a mail root that belongs to {@code nobody}: LMTP
 * deliveries (spooled, then stored), an on-access migration from a real Dovecot with its spool drain, the stored
 * password hash of a legacy-checked login, an expunge (QRESYNC's record) and the folders' state files. Afterwards no
 * file or directory under the mail root belongs to root, so Dovecot as the mail user, or Dovetail run as that user,
 * can take over. Needs root (CI runs as root) and Dovecot.
 */
class OwnershipAsRootDovecotIT {
  private static final int NOBODY = 65534;

  @TempDir static Path dir;
  private static DovecotServer legacy;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(runningAsRoot(), "not running as root: files cannot be given to another owner here (CI runs as root)");
    DovecotServer.assumeInstalled();
    legacy = DovecotServer.builder(dir.resolve("legacy")).user("alice", "secret").masterUser("master", "master-secret")
        .autoCreateSpecialUse(false).start();
    try (ImapProbe p = ImapProbe.login(legacy, "alice")) {
      p.create("Work");
      for (int i = 0; i < 5; i++) {
        p.append("INBOX", ("Subject: legacy " + i + "\r\n\r\nold\r\n").getBytes(StandardCharsets.US_ASCII), List.of(),
            Instant.parse("2021-01-01T00:00:00Z").plusSeconds(i));
        p.append("Work", ("Subject: work " + i + "\r\n\r\nold\r\n").getBytes(StandardCharsets.US_ASCII), List.of(),
            Instant.parse("2021-01-01T00:00:00Z").plusSeconds(i));
      }
      p.expunge("INBOX", List.of(2L)); // a gap: the folder's first load records it (dovetail-expunged)
    }
    Path mailRoot = dir.resolve("dovetail").resolve("mail");
    Files.createDirectories(mailRoot);
    Files.setAttribute(mailRoot, "unix:uid", NOBODY);
    Files.setAttribute(mailRoot, "unix:gid", NOBODY);
    dovetail = TestDovetail.builder(dir.resolve("dovetail"))
        .legacyPassdb(legacy.imapPort(), "master", "master-secret").setting("sweeper = no")
        .start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
    if (legacy != null) {
      legacy.close();
    }
  }

  private static boolean runningAsRoot() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static String lmtp(String rcpt, String subject) throws IOException {
    try (Socket s = new Socket("127.0.0.1", dovetail.lmtpPort())) {
      s.setSoTimeout(60_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = s.getOutputStream();
      in.readLine();
      for (String line : List.of("LHLO mta", "MAIL FROM:<s@example.org>", "RCPT TO:<" + rcpt + ">", "DATA")) {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        String reply;
        do {
          reply = in.readLine();
        } while (reply.charAt(3) == '-');
      }
      out.write(("Subject: " + subject + "\r\n\r\nnew\r\n.\r\n").getBytes(StandardCharsets.US_ASCII));
      String reply = in.readLine();
      out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      return reply;
    }
  }

  private static List<String> ownedByOthers(Path root) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.toList()) {
        String owner = Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS) + ":"
            + Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        if (!owner.equals(NOBODY + ":" + NOBODY)) {
          out.add(root.relativize(p) + " " + owner);
        }
      }
    }
    return out;
  }

  @Test
  void nothingDovetailWritesInAMaildirBelongsToRoot() throws Exception {
    assertTrue(lmtp("alice@example.org", "spooled").startsWith("250"));
    Path maildir = dovetail.mailRoot().resolve("alice").resolve("Maildir");
    try (Stream<Path> spool = Files.list(maildir.resolve("dovetail-spool"))) {
      assertEquals(1, spool.filter(p -> p.getFileName().toString().endsWith(".eml")).count(), "spooled: not migrated");
    }
    try (ImapProbe alice = ImapProbe.login(dovetail.imapPort(), "alice", "secret")) {
      assertEquals(5, alice.examine("INBOX").messages().size(), "4 legacy messages and the spooled one");
      assertEquals(5, alice.examine("Work").messages().size());
      alice.expunge("Work", List.of(1L));
    }
    assertTrue(lmtp("alice", "stored").startsWith("250"));
    try (ImapProbe alice = ImapProbe.login(dovetail.imapPort(), "alice", "secret")) {
      alice.command("INBOX", "NOOP"); // selected read-write: the delivered messages are claimed (dovetail-recent)
    }
    assertTrue(Files.exists(maildir.resolve("dovetail-passdb")), "the login was checked by the legacy server");
    assertTrue(Files.exists(maildir.resolve(".Work").resolve("dovetail-expunged")));
    assertTrue(Files.exists(maildir.resolve(".Work").resolve("dovetail-state")));
    assertTrue(Files.exists(maildir.resolve("dovetail-recent")), "SELECT recorded its \\Recent claims");

    assertEquals(List.of(), ownedByOthers(dovetail.mailRoot()));
  }
}
