package dovetail.proxy.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dovetail.migrator.copy.MigrationListener;
import dovetail.migrator.service.Migrations;
import dovetail.migrator.service.UserStatus;
import dovetail.proxy.cli.CliRun;
import dovetail.proxy.server.DovetailServer;
import dovetail.proxy.server.TestDovetail;
import dovetail.store.MailStore;
import dovetail.store.StoredMessage;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.Forwarder;
import dovetail.store.dovecot.ImapProbe;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LMTP for users the legacy server (a real Dovecot 2.3 with a master user) does not know, and for recipients written
 * without a domain. Each test starts its own Dovetail, so that nothing a test before it did (a master login that
 * worked) helps it: a user listed only in the passwd-file is served from the store at once, and mail that had to be
 * spooled for such a user is appended as soon as INBOX is found to have nothing to migrate, or once another process
 * migrated INBOX.
 */
class LmtpLocalUsersDovecotIT {
  private static final Pattern SUBJECT = Pattern.compile("(?m)^Subject: (.*)$");

  @TempDir static Path dir;
  private static DovecotServer legacy;
  private static Forwarder forwarder;

  @BeforeAll
  static void start() throws Exception {
    DovecotServer.assumeInstalled();
    legacy = DovecotServer.builder(dir.resolve("legacy")).user("dave", "secret").user("erin", "secret")
        .masterUser("master", "master-secret").autoCreateSpecialUse(false).start();
    for (String user : List.of("dave", "erin")) {
      try (ImapProbe p = ImapProbe.login(legacy, user)) {
        for (int i = 0; i < 3; i++) {
          p.append("INBOX", ("Subject: legacy " + i + "\r\n\r\nold\r\n").getBytes(StandardCharsets.US_ASCII), List.of(),
              Instant.parse("2021-01-01T00:00:00Z").plusSeconds(i));
        }
      }
    }
    forwarder = new Forwarder(legacy.imapPort());
  }

  @AfterAll
  static void stop() throws Exception {
    if (forwarder != null) {
      forwarder.close();
    }
    if (legacy != null) {
      legacy.close();
    }
  }

  /** A Dovetail of its own: passwd-file users (none of them known to the legacy server), the legacy master user. */
  private static TestDovetail dovetail(String name, Duration spoolCheck) throws Exception {
    return TestDovetail.builder(dir.resolve(name)).user("newbie", "{PLAIN}newbiepw").user("newbie2", "{PLAIN}pw2")
        .legacyImap(forwarder.port(), "master", "master-secret").setting("sweeper = no")
        .spoolCheck(spoolCheck).start();
  }

  private static long spooled(TestDovetail dovetail, String user) throws Exception {
    Path spool = dovetail.mailRoot().resolve(user).resolve("Maildir").resolve(UserSpool.DIR);
    if (!Files.isDirectory(spool)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(spool)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".eml")).count();
    }
  }

  private static List<String> subjects(TestDovetail dovetail, String user) throws Exception {
    List<String> out = new ArrayList<>();
    MailStore store = dovetail.store(user);
    for (StoredMessage m : store.open(MailStore.INBOX).messages()) {
      try (InputStream in = store.open(MailStore.INBOX).openContent(m.uid())) {
        Matcher s = SUBJECT.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        out.add(s.find() ? s.group(1) : "?");
      }
    }
    return out;
  }

  private static String text(TestDovetail dovetail, String user, long uid) throws Exception {
    try (InputStream in = dovetail.store(user).open(MailStore.INBOX).openContent(uid)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** An MTA's delivery with Python's smtplib.LMTP: the replies, one line each. */
  private static List<String> pythonLmtp(int port, String subject, String... recipients) throws Exception {
    assumeTrue(new ProcessBuilder("python3", "--version").start().waitFor() == 0, "python3 is not installed");
    Path script = dir.resolve("lmtp.py");
    Files.writeString(script, """
        import smtplib, sys
        c = smtplib.LMTP('127.0.0.1', int(sys.argv[1]))
        c.ehlo('mta.example.org')
        c.mail('sender@example.org')
        ok = 0
        for r in sys.argv[3:]:
            code, msg = c.rcpt(r)
            ok += code == 250
            print('RCPT', code, msg.decode())
        code, msg = c.data(('Subject: ' + sys.argv[2] + '\\r\\n\\r\\nnew\\r\\n').encode())
        print('DATA', code, msg.decode())
        for i in range(ok - 1):
            code, msg = c.getreply()
            print('DATA', code, msg.decode())
        c.quit()
        """);
    List<String> command = new ArrayList<>(List.of("python3", script.toString(), Integer.toString(port), subject));
    command.addAll(List.of(recipients));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return out.lines().toList();
  }

  /**
   * RCPT TO:<Dave>, for a legacy user whose store directory exists before any migration: the user is dave (the legacy
   * login is dave, which builds the skeleton), and the message says Delivered-To: Dave, not dave@localhost.
   */
  @Test
  void aRecipientWithoutADomainIsTheUserOfThatName() throws Exception {
    try (TestDovetail dovetail = dovetail("bare", DovetailServer.SPOOL_CHECK)) {
      Files.createDirectories(dovetail.mailRoot().resolve("dave").resolve("Maildir").resolve("cur"));
      List<String> replies = pythonLmtp(dovetail.lmtpPort(), "bare", "Dave");
      assertEquals(List.of("RCPT 250 2.1.5 Recipient <Dave> OK", "DATA 250 2.0.0 <Dave> Saved"), replies);
      Migrations migrations = dovetail.server().migrations().orElseThrow();
      assertTrue(migrations.hasSkeleton("dave"), "the legacy server was asked about dave, not dave@localhost");
      assertEquals(1, spooled(dovetail, "dave"), "INBOX is not migrated yet");
      migrations.ensureFolder("dave", MailStore.INBOX, MigrationListener.NONE); // as dave's first SELECT would
      assertEquals(List.of("legacy 0", "legacy 1", "legacy 2", "bare"), subjects(dovetail, "dave"));
      String stored = text(dovetail, "dave", 4);
      assertTrue(stored.startsWith("Return-Path: <sender@example.org>\nDelivered-To: Dave\n"), stored);
      assertTrue(stored.contains("\tfor <Dave>; "), stored);
      assertFalse(stored.contains("localhost>") || stored.contains("@localhost"), stored);
      assertFalse(Files.exists(dovetail.mailRoot().resolve("dave@localhost")));
    }
  }

  /**
   * A passwd-file user the legacy server does not know, in a Dovetail where no master login has worked yet: the
   * refusal says [AUTHORIZATIONFAILED] (the master user's password was right), so the mail is stored at once and the
   * user's own SELECT is answered from the store, not with NO [UNAVAILABLE].
   */
  @Test
  void aLocalAccountIsServedAtOnceWithoutAnEarlierMasterLogin() throws Exception {
    try (TestDovetail dovetail = dovetail("fresh", DovetailServer.SPOOL_CHECK);
        LmtpClient c = new LmtpClient(dovetail.lmtpPort())) {
      c.command("LHLO mta");
      for (int i = 0; i < 2; i++) {
        List<String> r = c.deliver("s@example.org", List.of("newbie@example.org"), "Subject: new " + i + "\r\n\r\nx\r\n");
        assertTrue(r.get(r.size() - 1).startsWith("250 2.0.0"), r.toString());
      }
      assertEquals(0, spooled(dovetail, "newbie"));
      assertEquals(List.of("new 0", "new 1"), subjects(dovetail, "newbie"));
      try (ImapProbe newbie = ImapProbe.login(dovetail.imapPort(), "newbie", "newbiepw")) {
        assertEquals(List.of(1L, 2L), newbie.examine("INBOX").uids());
      }
      // The refusal proved the master login: a recipient nobody has gets 550, not 451.
      c.command("MAIL FROM:<s@example.org>");
      String rcpt = c.command("RCPT TO:<nobody@example.org>");
      assertTrue(rcpt.startsWith("550 5.1.1"), rcpt);
    }
  }

  /**
   * Mail spooled while the legacy server could not be asked (it was down) is appended as soon as INBOX is found to
   * have nothing to migrate, here on the user's first SELECT: not at a later delivery or a restart.
   */
  @Test
  void spooledMailIsAppendedWhenTheAccountTurnsOutToBeLocal() throws Exception {
    try (TestDovetail dovetail = dovetail("spooled", DovetailServer.SPOOL_CHECK)) {
      int closed;
      try (ServerSocket s = new ServerSocket(0)) {
        closed = s.getLocalPort();
      }
      forwarder.retarget(closed);
      try (LmtpClient c = new LmtpClient(dovetail.lmtpPort())) {
        c.command("LHLO mta");
        for (int i = 0; i < 2; i++) {
          List<String> r = c.deliver("s@example.org", List.of("newbie2@example.org"), "Subject: early " + i
              + "\r\n\r\nx\r\n");
          assertTrue(r.get(r.size() - 1).startsWith("250 2.0.0"), r.toString());
        }
      } finally {
        forwarder.retarget(legacy.imapPort());
      }
      assertEquals(2, spooled(dovetail, "newbie2"), "the legacy server could not be asked");
      try (ImapProbe newbie = ImapProbe.login(dovetail.imapPort(), "newbie2", "pw2")) {
        assertEquals(List.of(1L, 2L), newbie.examine("INBOX").uids());
      }
      assertEquals(0, spooled(dovetail, "newbie2"));
      assertEquals(List.of("early 0", "early 1"), subjects(dovetail, "newbie2"));
    }
  }

  /**
   * INBOX migrated by another process ({@code dovetail backup} beside {@code serve}): no event reaches the server,
   * and the periodic check appends the spool (stock Dovecot, after the cut-over, would never read it).
   */
  @Test
  void aSpoolIsAppendedOnceAnotherProcessMigratedInbox() throws Exception {
    try (TestDovetail dovetail = dovetail("other-process", Duration.ofMillis(200));
        LmtpClient c = new LmtpClient(dovetail.lmtpPort())) {
      c.command("LHLO mta");
      List<String> r = c.deliver("s@example.org", List.of("erin@example.org"), "Subject: cut-over\r\n\r\nx\r\n");
      assertTrue(r.get(r.size() - 1).startsWith("250 2.0.0"), r.toString());
      assertEquals(1, spooled(dovetail, "erin"));
      CliRun backup = CliRun.of("backup", "-c", dovetail.configFile().toString(), "-u", "erin", "-f", "INBOX");
      assertEquals(0, backup.exit(), backup.out() + "\n" + backup.err());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (spooled(dovetail, "erin") > 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(0, spooled(dovetail, "erin"));
      assertEquals(List.of("legacy 0", "legacy 1", "legacy 2", "cut-over"), subjects(dovetail, "erin"));
    }
  }

  /**
   * migrate for a passwd-file user the legacy server does not know: nothing to migrate, so the user is complete (INBOX
   * local) and stays a known user; the refusal of an unknown name (exit 67, nothing kept) is not this case.
   */
  @Test
  void migrateOfALocalAccountUnknownToTheLegacyServerCompletesIt() throws Exception {
    try (TestDovetail dovetail = dovetail("migrate-local", DovetailServer.SPOOL_CHECK)) {
      String conf = dovetail.configFile().toString();
      CliRun migrate = CliRun.merged("migrate", "-c", conf, "-u", "newbie2", "--wait");
      assertEquals(0, migrate.exit(), migrate.out());
      assertTrue(migrate.out().contains("newbie2: complete"), migrate.out());
      Migrations migrations = dovetail.server().migrations().orElseThrow();
      assertTrue(migrations.knownUsers().contains("newbie2"), migrations.knownUsers().toString());
      assertTrue(migrations.status("newbie2").complete(), migrations.status("newbie2").toString());
      assertEquals("local", migrations.status("newbie2").folders().get(0).state());
    }
  }

  /**
   * Review 23, F6: that finding was kept in memory only, so after a restart status showed the user's INBOX "pending"
   * and the user incomplete until the user logged in again, which overstated what was left before a hand-over.
   */
  @Test
  void aLocalAccountFoundUnknownToTheLegacyServerIsStillCompleteAfterARestart() throws Exception {
    try (TestDovetail dovetail = dovetail("restart-local", DovetailServer.SPOOL_CHECK)) {
      CliRun migrate = CliRun.merged("migrate", "-c", dovetail.configFile().toString(), "-u", "newbie2", "--wait");
      assertEquals(0, migrate.exit(), migrate.out());
    }
    try (TestDovetail restarted = dovetail("restart-local", DovetailServer.SPOOL_CHECK)) {
      UserStatus status = restarted.server().migrations().orElseThrow().status("newbie2");
      assertTrue(status.complete(), status.toString());
      assertEquals("local", status.folders().get(0).state(), status.toString());
    }
  }
}
