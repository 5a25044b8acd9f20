package dovetail.proxy.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.migrator.copy.MigrationListener;
import dovetail.migrator.copy.Progress;
import dovetail.migrator.service.Migrations;
import dovetail.proxy.cli.CliRun;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LMTP delivery while users migrate from a real Dovecot 2.3 (master user): migrated INBOXes take the next UID,
 * unmigrated ones spool and are appended right after their migration, above the legacy UIDNEXT, in arrival order,
 * each message once. A second real Dovecot then serves Dovetail's store and shows the same UIDs.
 */
class LmtpMigrationDovecotIT {
  private static final Pattern SUBJECT = Pattern.compile("(?m)^Subject: (.*)$");
  /** 20 legacy messages, UIDs 3 and 7 expunged: UIDNEXT 21. */
  private static final long LEGACY_UIDNEXT = 21;

  @TempDir static Path dir;
  private static DovecotServer legacy;
  private static DovecotServer twin;
  private static Forwarder forwarder;
  private static TestDovetail dovetail;
  private static final CountDownLatch carolHeld = new CountDownLatch(1);
  private static final CountDownLatch carolRelease = new CountDownLatch(1);

  @BeforeAll
  static void start() throws Exception {
    DovecotServer.assumeInstalled();
    legacy = DovecotServer.builder(dir.resolve("legacy")).user("alice", "secret").user("bob", "secret")
        .user("carol", "secret").user("dave", "secret").user("erin", "secret").user("gina", "secret")
        .masterUser("master", "master-secret").autoCreateSpecialUse(false).start();
    for (String user : List.of("alice", "bob", "carol", "dave", "erin")) {
      try (ImapProbe p = ImapProbe.login(legacy, user)) {
        for (int i = 0; i < 20; i++) {
          p.append("INBOX", ("From: legacy@example.org\r\nSubject: legacy " + i + "\r\n\r\nold " + i + "\r\n")
              .getBytes(StandardCharsets.UTF_8), List.of(), Instant.parse("2021-01-01T00:00:00Z").plusSeconds(i));
        }
        p.expunge("INBOX", List.of(3L, 7L));
      }
    }
    // Dovetail's store is the twin Dovecot's mail home, so that Dovecot can serve it afterwards.
    twin = DovecotServer.builder(dir.resolve("twin")).user("carol", "secret").autoCreateSpecialUse(false).start();
    forwarder = new Forwarder(legacy.imapPort());
    dovetail = TestDovetail.builder(dir.resolve("dovetail"))
        .user("alice", "{PLAIN}secret").user("bob", "{PLAIN}secret").user("carol", "{PLAIN}secret")
        .user("frank", "{PLAIN}secret") // in the passwd-file only: no legacy account
        .mailLocation("maildir:" + dir.resolve("twin").resolve("home") + "/%n/Maildir")
        .legacyImap(forwarder.port(), "master", "master-secret")
        .setting("sweeper = no").setting("mail_prefetch_count = 2")
        .migrationObserver(new MigrationListener() {
          @Override
          public void progress(Progress progress) {
            if (progress.folder().equals("INBOX") && progress.messagesDone() == 5 && carolHeld.getCount() > 0
                && holdingCarol) { // progress comes from the copy's writer thread, whatever its name
              carolHeld.countDown();
              try {
                carolRelease.await(120, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }
        })
        .start();
  }

  /** Only carol's INBOX run is held (the observer does not see the user). */
  private static volatile boolean holdingCarol;

  @AfterAll
  static void stop() throws Exception {
    carolRelease.countDown();
    if (dovetail != null) {
      dovetail.close();
    }
    if (forwarder != null) {
      forwarder.close();
    }
    if (twin != null) {
      twin.close();
    }
    if (legacy != null) {
      legacy.close();
    }
  }

  private static Migrations migrations() {
    return dovetail.server().migrations().orElseThrow();
  }

  private static List<String> subjects(String user, List<StoredMessage> msgs) throws Exception {
    List<String> out = new ArrayList<>();
    for (StoredMessage m : msgs) {
      try (InputStream in = dovetail.store(user).open(MailStore.INBOX).openContent(m.uid())) {
        Matcher s = SUBJECT.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        out.add(s.find() ? s.group(1) : "?");
      }
    }
    return out;
  }

  private static Path spool(String user) {
    return dir.resolve("twin").resolve("home").resolve(user).resolve("Maildir").resolve(UserSpool.DIR);
  }

  private static long spooled(String user) throws Exception {
    if (!Files.isDirectory(spool(user))) {
      return 0;
    }
    try (var files = Files.list(spool(user))) {
      return files.filter(f -> f.getFileName().toString().endsWith(".eml")).count();
    }
  }

  @Test
  void migratedUnmigratedAndLegacyOnlyUsersInOneTransaction() throws Exception {
    migrations().ensureFolder("alice", MailStore.INBOX, MigrationListener.NONE);
    try (LmtpClient c = new LmtpClient(dovetail.lmtpPort())) {
      c.command("LHLO mta.example.org");
      List<String> r = c.deliver("sender@example.org",
          List.of("alice@example.org", "bob@example.org", "dave@example.org", "nosuch@example.org"),
          "From: sender@example.org\r\nSubject: cut-over day\r\n\r\nnew mail\r\n");
      assertEquals(List.of("250", "250", "250", "250", "550", "354", "250", "250", "250"),
          r.stream().map(l -> l.substring(0, 3)).toList(), r.toString());
    }
    // alice was migrated: the next UID at once, above every legacy UID.
    List<StoredMessage> alice = dovetail.store("alice").open(MailStore.INBOX).messages();
    assertEquals(19, alice.size());
    assertEquals(LEGACY_UIDNEXT, alice.get(18).uid());
    assertEquals("cut-over day", subjects("alice", alice).get(18));
    // bob and dave were not: spooled, then appended when a client's SELECT migrates INBOX.
    assertEquals(1, spooled("bob"));
    assertEquals(1, spooled("dave"));
    try (ImapProbe bob = ImapProbe.login(dovetail.imapPort(), "bob", "secret")) {
      var inbox = bob.examine("INBOX");
      assertEquals(19, inbox.messages().size());
      assertEquals(LEGACY_UIDNEXT, inbox.uids().get(18));
    }
    assertEquals(0, spooled("bob"));
    migrations().ensureFolder("dave", MailStore.INBOX, MigrationListener.NONE);
    List<StoredMessage> dave = dovetail.store("dave").open(MailStore.INBOX).messages();
    assertEquals(LEGACY_UIDNEXT, dave.get(18).uid());
    assertEquals("cut-over day", subjects("dave", dave).get(18));
    assertEquals(0, spooled("dave"));
  }

  @Test
  void aLegacyServerThatCannotBeReachedGetsATemporaryReply() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    forwarder.retarget(closed);
    try (LmtpClient c = new LmtpClient(dovetail.lmtpPort())) {
      c.command("LHLO mta");
      c.command("MAIL FROM:<a@b>");
      assertTrue(c.command("RCPT TO:<erin@example.org>").startsWith("451 4."));
    } finally {
      forwarder.retarget(legacy.imapPort());
    }
    try (LmtpClient c = new LmtpClient(dovetail.lmtpPort())) {
      c.command("LHLO mta");
      c.command("MAIL FROM:<a@b>");
      assertTrue(c.command("RCPT TO:<erin@example.org>").startsWith("250"));
    }
  }

  @Test
  void aBurstDuringTheMigrationLandsOnceInArrivalOrderAfterTheLegacyMessages() throws Exception {
    migrations().ensureSkeleton("carol");
    holdingCarol = true;
    CompletableFuture<Void> migration = CompletableFuture.runAsync(() -> {
      try {
        migrations().ensureFolder("carol", MailStore.INBOX, MigrationListener.NONE);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertTrue(carolHeld.await(60, TimeUnit.SECONDS), "carol's INBOX migration reached message 5");
    holdingCarol = false;
    try (LmtpClient c = new LmtpClient(dovetail.lmtpPort())) {
      c.command("LHLO mta");
      for (int i = 0; i < 200; i++) {
        List<String> r = c.deliver("s@example.org", List.of("carol"), "Subject: burst " + i + "\r\n\r\nn " + i + "\r\n");
        assertTrue(r.get(r.size() - 1).startsWith("250"), r.toString());
      }
      assertEquals(200, spooled("carol"));
      carolRelease.countDown();
      migration.get(120, TimeUnit.SECONDS);
      for (int i = 200; i < 300; i++) {
        List<String> r = c.deliver("s@example.org", List.of("carol"), "Subject: burst " + i + "\r\n\r\nn " + i + "\r\n");
        assertTrue(r.get(r.size() - 1).startsWith("250"), r.toString());
      }
    }
    assertEquals(0, spooled("carol"));
    List<StoredMessage> msgs = dovetail.store("carol").open(MailStore.INBOX).messages();
    List<String> subjects = subjects("carol", msgs);
    List<String> expected = new ArrayList<>();
    List<Long> expectedUids = new ArrayList<>();
    for (long uid = 1; uid < LEGACY_UIDNEXT; uid++) {
      if (uid != 3 && uid != 7) {
        expected.add("legacy " + (uid - 1));
        expectedUids.add(uid);
      }
    }
    for (int i = 0; i < 300; i++) {
      expected.add("burst " + i);
      expectedUids.add(LEGACY_UIDNEXT + i);
    }
    assertEquals(expected, subjects);
    assertEquals(expectedUids, msgs.stream().map(StoredMessage::uid).toList());

    // Real Dovecot on the same store: the same messages under the same UIDs.
    twin.chownStore("carol");
    try (ImapProbe p = ImapProbe.login(twin, "carol")) {
      var inbox = p.examine("INBOX");
      assertEquals(expectedUids, inbox.uids());
      for (var m : inbox.messages()) {
        Matcher s = SUBJECT.matcher(new String(m.body(), StandardCharsets.UTF_8).replace("\r\n", "\n"));
        assertTrue(s.find());
        assertEquals(expected.get(expectedUids.indexOf(m.uid())), s.group(1));
      }
    }
    assertTrue(twin.logProblems().isEmpty(), twin.logProblems().toString());
  }

  @Test
  void aRecipientCheckWaitingOnTheLegacyServerHoldsOnlyItsOwnSession() throws Exception {
    migrations().ensureFolder("alice", MailStore.INBOX, MigrationListener.NONE);
    int before = dovetail.store("alice").open(MailStore.INBOX).messages().size();
    forwarder.stallAfter(0); // the legacy server's bytes are held: gina's check cannot finish
    try (LmtpClient slow = new LmtpClient(dovetail.lmtpPort())) {
      slow.command("LHLO slow.example.org");
      slow.command("MAIL FROM:<a@b>");
      int connections = forwarder.connections();
      slow.send("RCPT TO:<gina@example.org>\r\n".getBytes(StandardCharsets.US_ASCII));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (forwarder.connections() == connections && System.nanoTime() < deadline) {
        Thread.sleep(20); // until the check has reached the legacy server
      }
      assertTrue(forwarder.connections() > connections, "gina's check opened a legacy connection");
      // Another MTA session, meanwhile: greeting, recipient check and delivery to a migrated user all go through.
      try (LmtpClient other = new LmtpClient(dovetail.lmtpPort())) {
        other.command("LHLO fast.example.org");
        List<String> r = other.deliver("s@example.org", List.of("alice"), "Subject: not held up\r\n\r\nx\r\n");
        assertEquals(List.of("250", "250", "354", "250"), r.stream().map(l -> l.substring(0, 3)).toList(), r.toString());
      }
      assertFalse(slow.replyWaiting(), "gina's RCPT is still waiting on the legacy server");
      forwarder.flowing();
      assertTrue(slow.reply().startsWith("250"), "gina exists on the legacy server");
    } finally {
      forwarder.flowing();
    }
    List<StoredMessage> alice = dovetail.store("alice").open(MailStore.INBOX).messages();
    assertEquals(before + 1, alice.size());
    assertEquals("not held up", subjects("alice", alice).get(before));
  }

  @Test
  void aPasswdFileUserWithoutALegacyAccountGetsMailInTheStoreNotTheSpool() throws Exception {
    migrations().ensureSkeleton("alice"); // whatever ran before: alice is a user with a skeleton, for the proof login
    try (LmtpClient c = new LmtpClient(dovetail.lmtpPort())) {
      c.command("LHLO mta");
      for (int i = 0; i < 2; i++) {
        List<String> r = c.deliver("s@example.org", List.of("frank@example.org"), "Subject: new " + i + "\r\n\r\nx\r\n");
        assertTrue(r.get(r.size() - 1).startsWith("250 2.0.0"), r.toString());
      }
    }
    assertEquals(0, spooled("frank"));
    List<StoredMessage> msgs = dovetail.store("frank").open(MailStore.INBOX).messages();
    assertEquals(List.of("new 0", "new 1"), subjects("frank", msgs));
    assertEquals(List.of(1L, 2L), msgs.stream().map(StoredMessage::uid).toList());
    // The same rule holds for the user's own IMAP session: nothing to migrate, the store's INBOX is served.
    try (ImapProbe frank = ImapProbe.login(dovetail.imapPort(), "frank", "secret")) {
      assertEquals(List.of(1L, 2L), frank.examine("INBOX").uids());
    }
  }

  @Test
  void aRefusalIsNoProofOfNoAccountWhileTheMasterPasswordIsWrong() throws Exception {
    try (TestDovetail wrong = TestDovetail.builder(dir.resolve("wrong-master"))
        .user("henry", "{PLAIN}secret") // in the passwd-file only
        .legacyImap(legacy.imapPort(), "master", "not-the-master-password")
        .setting("sweeper = no").start();
        LmtpClient c = new LmtpClient(wrong.lmtpPort())) {
      c.command("LHLO mta");
      List<String> r = c.deliver("s@example.org", List.of("henry@example.org"), "Subject: kept\r\n\r\nx\r\n");
      assertTrue(r.get(r.size() - 1).startsWith("250 2.0.0"), r.toString());
      // Every login is refused, so the refusal says nothing about henry: the mail waits in the spool, and no INBOX
      // with a UIDVALIDITY of its own is made that would stand in the way of a legacy INBOX (asserted below).
      // Nor about a recipient the legacy server would not know either: a retry later, not a bounce now.
      c.command("MAIL FROM:<s@example.org>");
      String rcpt = c.command("RCPT TO:<nobody@example.org>");
      assertTrue(rcpt.startsWith("451 4."), rcpt);
      assertFalse(Files.exists(wrong.store("henry").root().resolve("dovecot-uidlist")), "an INBOX UIDVALIDITY was fixed");
      try (var files = Files.list(wrong.store("henry").root().resolve(UserSpool.DIR))) {
        assertEquals(1, files.filter(f -> f.getFileName().toString().endsWith(".eml")).count());
      }
      // The operator's migrate of a user the legacy server has: the settings are named, not the user (walk-through 5,
      // F12: "check the name" and exit 67, "running it again will not help", for every user until the conf is fixed).
      CliRun migrate = CliRun.merged("migrate", "-c", wrong.configFile().toString(), "-u", "bob", "--wait");
      assertEquals(1, migrate.exit(), migrate.out());
      assertTrue(migrate.out().contains("check imapc_master_user and imapc_password"), migrate.out());
      assertFalse(migrate.out().contains("check the name"), migrate.out());
    }
  }
}
